"""Errors as RFC 9457 problem documents, so a partner's integrator sees what and where."""

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from shared.contracts.errors import InvalidEvent, Problem
from shared.db import UNREACHABLE

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
# A database restart takes seconds; a caller asked to wait this long finds it back, mostly.
RETRY_AFTER_SECONDS = 5


class ProblemError(Exception):
    """Raised by a route to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        problems: Sequence[Problem] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.problems = tuple(problems)
        self.headers = dict(headers or {})


def problem_response(error: ProblemError) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(error.status).phrase,
        "status": error.status,
        "detail": error.detail,
    }
    if error.problems:
        body["errors"] = [p.as_dict() for p in error.problems]
    return JSONResponse(
        body, status_code=error.status, media_type=PROBLEM_JSON, headers=error.headers
    )


def as_problem(error: Exception) -> ProblemError:
    match error:
        case ProblemError():
            return error
        case InvalidEvent():
            return ProblemError(422, "the event breaks the contract", error.problems)
        case RequestValidationError():
            return ProblemError(
                422,
                "the request's parameters are not valid",
                [
                    Problem(".".join(str(part) for part in err["loc"]), err["msg"])
                    for err in error.errors()
                ],
            )
        case HTTPException():
            return ProblemError(error.status_code, str(error.detail))
        case _ if isinstance(error, UNREACHABLE):
            # A failure of the moment, not of the request: the caller should send it again.
            return ProblemError(
                503,
                "the database cannot be reached right now; try again shortly",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        case _:
            return ProblemError(500, "internal error")


async def _handle(_request: Request, error: Exception) -> JSONResponse:
    return problem_response(as_problem(error))


async def _handle_unreachable(request: Request, error: Exception) -> JSONResponse:
    log.warning("%s %s: database unreachable (%r)", request.method, request.url.path, error)
    return problem_response(as_problem(error))


def install_problem_handlers(app: FastAPI) -> None:
    for kind in (ProblemError, InvalidEvent, RequestValidationError, HTTPException):
        app.add_exception_handler(kind, _handle)
    for unreachable in UNREACHABLE:
        app.add_exception_handler(unreachable, _handle_unreachable)
