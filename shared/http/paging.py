"""Lists that page: an opaque cursor, `next` in the body and a `Link` header.

A page ends at a position in the list's total order (for the register: time, source, id),
and the cursor is that position. The next page starts strictly after it, so paging never
shows an entry twice or skips one that was there when the reading began, however many new
entries arrive meanwhile. The cursor also holds a digest of the filters it was made under:
the `next` link repeats them, and a cursor sent with other filters is refused rather than
quietly continuing another list.

The cursor is opaque to clients (base64url of JSON), not secret: it holds a position, which
grants nothing, since every page is filtered by who asks as the first one was.
"""

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import JSONResponse

from shared.http.problems import ProblemError

CURSOR: Final = "cursor"
# Not part of what a list is: the page size may change from one page to the next.
_NOT_FILTERS: Final = frozenset({CURSOR, "limit"})


def filters_of(request: Request) -> dict[str, list[str]]:
    """The query parameters that say which list this is (all but the cursor and the size)."""
    found: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        if name not in _NOT_FILTERS:
            found.setdefault(name, []).append(value)
    return found


def _digest(filters: Mapping[str, Sequence[str]]) -> str:
    canonical = json.dumps(sorted((k, sorted(v)) for k, v in filters.items()), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def encode_cursor(position: Sequence[Any], filters: Mapping[str, Sequence[str]]) -> str:
    payload = json.dumps({"after": list(position), "filters": _digest(filters)})
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, filters: Mapping[str, Sequence[str]], size: int) -> list[Any]:
    """The position a cursor holds, of `size` parts; a 400 when it is not one of ours or was
    made for other filters."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        position = payload["after"]
        made_for = payload["filters"]
    except (binascii.Error, UnicodeError, ValueError, TypeError, KeyError):
        raise ProblemError(400, "the cursor is not one this list gave; start without it") from None
    if not isinstance(position, list) or len(position) != size:
        raise ProblemError(400, "the cursor is not one this list gave; start without it")
    if made_for != _digest(filters):
        raise ProblemError(
            400, "the cursor was given for other filters: send the same filters on every page"
        )
    return position


def next_link(request: Request, cursor: str) -> str:
    """The next page's address (path and query, relative to the service, so that it holds
    behind a proxy), with the request's filters and size."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != CURSOR]
    query.append((CURSOR, cursor))
    return f"{request.url.path}?{urlencode(query)}"


def page_response(
    request: Request, items: list[Any], position: Sequence[Any] | None
) -> JSONResponse:
    """`{"items": [...], "next": link or null}`, and the same link as `Link: <…>; rel="next"`;
    `position` is that of the last item shown when more follow, else None."""
    if position is None:
        return JSONResponse({"items": items, "next": None})
    link = next_link(request, encode_cursor(position, filters_of(request)))
    return JSONResponse({"items": items, "next": link}, headers={"Link": f'<{link}>; rel="next"'})
