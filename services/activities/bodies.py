"""What a partner sends to `POST /v1/events`: the body within its limits, as JSON, of a
CloudEvents media type; and, when it is refused, the events that are kept for receipts."""

import json
from typing import Any

from fastapi import Request

from services.activities import refusals
from shared.http.problems import ProblemError

BATCH = "application/cloudevents-batch+json"


async def read_limited(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) anything over `limit` bytes before reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ProblemError(413, f"the body is larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise ProblemError(413, f"the body is larger than {limit} bytes")
    return bytes(body)


def decode_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProblemError(400, "the body is not valid UTF-8") from None
    except json.JSONDecodeError as error:
        raise ProblemError(
            400,
            f"the body is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
        ) from None
    except RecursionError:
        raise ProblemError(400, "the body is nested too deeply") from None


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def refusing(
    request: Request, document: Any, kind: str, organisation: str, problem: ProblemError
) -> ProblemError:
    """The problem, once the events it refuses are kept for their receipts."""
    if 400 <= problem.status < 500:
        batch = kind == BATCH and isinstance(document, list)
        documents = document[: request.app.state.max_batch_events] if batch else [document]
        refused = refusals.http_refusals(
            documents, batch, problem.status, problem.detail, problem.problems, organisation
        )
        await refusals.record_best_effort(request.app.state.pool, refused)
    return problem
