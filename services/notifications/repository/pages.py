"""A page of a list as the API shows it.

Every list is read newest first in a total order of columns that never change once a row is
written (a time, then the row's key), and a page starts strictly after the position of the
one before. A row written meanwhile shows later in the same reading if it falls after that
position, and otherwise in the next reading: never twice, and never in place of another.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]]
    # Where the last item stands in the list's order when more follow; None on the last page.
    last: tuple[Any, ...] | None


def page_of(
    rows: Sequence[Any],
    limit: int,
    shown: Callable[[Any], dict[str, Any]],
    position: Callable[[Any], tuple[Any, ...]],
) -> Page:
    """`rows` fetched with a limit of one more than `limit`: that one says another page
    follows, and is not shown."""
    page = rows[:limit]
    more = len(rows) > limit
    return Page([shown(row) for row in page], position(page[-1]) if more else None)
