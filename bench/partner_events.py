"""Realistic partner events for the benchmarks: the simulator's Lund, as its partners send it
(meetings, walks, visits, incidents, the odd retraction), judged by the activities service's
own rules, so that what a benchmark sends is what the service accepts."""

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from services.activities.domain import Catalogue, Forbidden, accept, authorize
from shared.contracts.cloudevents import parse_structured
from shared.contracts.errors import InvalidEvent
from simulator.stream import LUND, events_between

Event = dict[str, Any]
SEED = 2017
# Lund 2017's first day: commitment events before it are refused.
LUND_START = datetime(2017, 3, 1, tzinfo=LUND)


def simulated(start: datetime, end: datetime) -> Iterator[Event]:
    """The partner events sent in [start, end), duplicates and refused ones included."""
    return events_between(start, end, SEED)


def first_year() -> Iterator[Event]:
    return simulated(LUND_START, LUND_START + timedelta(days=365))


def acceptable(
    events: Iterable[Event], catalogue: Catalogue, now: datetime, organisation: str | None = None
) -> Iterator[Event]:
    """The events the service accepts (from `organisation` when given), each id once."""
    seen: set[tuple[str, str]] = set()
    for document in events:
        identity = (document["source"], document["id"])
        if identity in seen:
            continue
        try:
            accepted = accept(parse_structured(document), now, catalogue)
            if organisation is not None:
                authorize(accepted, organisation, catalogue)
        except (InvalidEvent, Forbidden):
            continue
        seen.add(identity)
        yield document
