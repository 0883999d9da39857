"""The one way the fuzz tests turn a service's OpenAPI document into requests: schemathesis
draws a case, and it is sent in-process the way an HTTP client would send it."""

import json
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, reject, settings
from schemathesis import GenerationMode

POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
EXAMPLES = 100  # per operation and mode: bounded, so that a service's file runs in seconds

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one running service serves every example
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)


def runs(
    operations: Mapping[tuple[str, str], Sequence[GenerationMode]],
) -> list[tuple[str, str, GenerationMode]]:
    """One test run per operation and mode it has inputs for."""
    return [(method, path, mode) for (method, path), modes in operations.items() for mode in modes]


def described(document: dict[str, Any]) -> set[tuple[str, str]]:
    """Every (method, path) the document describes."""
    return {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }


async def send(
    client: httpx.AsyncClient,
    case: schemathesis.Case[Any],
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """The generated request, with `headers` (a key, say) under the generated ones."""
    request = case.as_transport_kwargs(base_url=str(client.base_url))
    sent = {**(headers or {}), **request["headers"]}
    if request.get("cookies"):
        sent["cookie"] = "; ".join(f"{k}={v}" for k, v in request["cookies"].items())
    content: bytes | None = None
    if "json" in request:
        content = json.dumps(request["json"]).encode()
    elif "data" in request:
        data = request["data"]
        content = data.encode() if isinstance(data, str) else data
    try:
        return await client.request(
            request["method"],
            request["url"],
            params=request.get("params"),
            headers=sent,
            content=content,
        )
    except httpx.InvalidURL:
        # httpx will not build it (a query over 64 KiB): a request no client sends.
        reject()
