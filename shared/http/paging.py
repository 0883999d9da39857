"""Lists that page: an opaque cursor, `next` in the body and a `Link` header.

A page ends at a position in the list's total order (for the register: time, source, id),
and the cursor is that position. The next page starts strictly after it, so paging never
shows an entry twice or skips one that was there when the reading began, however many new
entries arrive meanwhile. The cursor also holds the list it was made for (its path) and a
digest of the filters it was made under: the `next` link repeats them, and a cursor sent to
another list or with other filters is refused rather than quietly continuing another list.

The cursor is opaque to clients (base64url of JSON), not secret: it holds a position, which
grants nothing, since every page is filtered by who asks as the first one was.
"""

import base64
import binascii
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import JSONResponse

from shared.http.problems import ProblemError

CURSOR: Final = "cursor"
# Not part of what a list is: the page size may change from one page to the next.
_NOT_FILTERS: Final = frozenset({CURSOR, "limit"})
_NOT_OURS: Final = "the cursor is not one this list gave; start without it"

MOST: Final = 1000
PageSize = Annotated[
    int, Query(ge=1, le=MOST, description=f"how many items a page holds, at most {MOST:,}")
]
Cursor = Annotated[
    str | None,
    Query(max_length=2000, description="the cursor of the page before's `next`; none at first"),
]
# What every list's OpenAPI says besides its own summary.
PAGED: Final[dict[int | str, dict[str, Any]]] = {
    200: {
        "description": "`items`: the page; `next`: the next page's address (also in the "
        '`Link` header, `rel="next"`), null on the last page'
    },
    400: {"description": "A cursor this list did not give, or given with other filters"},
}


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


def _as_json(part: object) -> str:
    if isinstance(part, datetime):
        return part.isoformat()
    if isinstance(part, uuid.UUID):
        return str(part)
    raise TypeError(f"a cursor holds no {type(part).__name__}")


def encode_cursor(
    position: Sequence[Any], filters: Mapping[str, Sequence[str]], path: str = ""
) -> str:
    """`position` as JSON gives it; times and UUIDs as text (their readers take them back)."""
    made = {"after": list(position), "filters": _digest(filters), "list": path}
    payload = json.dumps(made, default=_as_json)
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(
    cursor: str, filters: Mapping[str, Sequence[str]], size: int, path: str = ""
) -> list[Any]:
    """The position a cursor holds, of `size` parts; a 400 when it is not one of ours, was
    made for another list or for other filters."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        position = payload["after"]
        made_for = payload["filters"]
        made_by = payload.get("list", "")
    except (binascii.Error, UnicodeError, ValueError, TypeError, KeyError, AttributeError):
        raise ProblemError(400, _NOT_OURS) from None
    if not isinstance(position, list) or len(position) != size or made_by != path:
        raise ProblemError(400, _NOT_OURS)
    if made_for != _digest(filters):
        raise ProblemError(
            400, "the cursor was given for other filters: send the same filters on every page"
        )
    return position


# Readers of a cursor's parts: each takes what JSON gave back and returns what the list's
# query compares with, or raises ValueError or TypeError. A cursor is made by the service,
# but anyone may send one: only what PostgreSQL can compare gets as far as the query.
def instant(part: object) -> datetime:
    if not isinstance(part, str):
        raise TypeError(part)
    moment = datetime.fromisoformat(part)
    if moment.tzinfo is None:
        raise ValueError("an instant has a UTC offset")
    return moment.astimezone(UTC)  # OverflowError at the calendar's ends, before asyncpg


def text(part: object) -> str:
    if not isinstance(part, str) or "\x00" in part:
        raise ValueError("text PostgreSQL takes")
    return part


def a_uuid(part: object) -> uuid.UUID:
    if not isinstance(part, str):
        raise TypeError(part)
    return uuid.UUID(part)


def position_of(
    request: Request, cursor: str | None, *readers: Callable[[object], Any]
) -> tuple[Any, ...] | None:
    """Where the page asked for starts (None: at the list's start), each part of the cursor
    read by its reader; a 400 for a cursor this list, under these filters, did not give."""
    if cursor is None:
        return None
    parts = decode_cursor(cursor, filters_of(request), len(readers), request.url.path)
    try:
        return tuple(read(part) for read, part in zip(readers, parts, strict=True))
    except (TypeError, ValueError, OverflowError):
        raise ProblemError(400, _NOT_OURS) from None


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
    cursor = encode_cursor(position, filters_of(request), request.url.path)
    link = next_link(request, cursor)
    return JSONResponse({"items": items, "next": link}, headers={"Link": f'<{link}>; rel="next"'})
