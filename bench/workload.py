"""Realistic accepted events for the Lund promise, as the activities service publishes them.

The partner simulator's days of 2017 are drawn for many seeds, as if many areas reported
on the same promise; each event is put through the activities service's own acceptance,
so what is refused there (the simulator's deliberate mistakes) never reaches the topic.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from services.activities.domain.acceptance import accept
from services.activities.domain.catalogue import Catalogue
from shared.contracts.cloudevents import parse_structured
from shared.contracts.errors import InvalidEvent
from shared.messaging.outbox_rows import OutgoingRecord
from shared.promises import default_promises
from simulator.stream import events_of_day

YEAR = 2017
FAR_FUTURE = datetime(YEAR + 1, 6, 1, tzinfo=UTC)


def accepted_records(count: int, topic: str) -> Iterator[OutgoingRecord]:
    """`count` accepted events on `topic`, in the order a partner would send them."""
    catalogue = Catalogue(default_promises())
    produced = 0
    seed = 0
    while True:
        day = date(YEAR, 1, 1)
        while day.year == YEAR:
            for document in events_of_day(day, seed):
                try:
                    accepted = accept(parse_structured(document), FAR_FUTURE, catalogue)
                except InvalidEvent:
                    continue
                yield OutgoingRecord.of(accepted.event, topic)
                produced += 1
                if produced == count:
                    return
            day += timedelta(days=1)
        seed += 1
