"""Events as the rows a service keeps of them: its consumer's dedup records (`source`, `id`)
with what the event said (`type`, `subject`, `occurred_at`, `data`), written with one
`unnest` per column so that a batch is one statement."""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from shared.contracts.cloudevents import CloudEvent

EVENT_COLUMNS = "source, id, type, subject, occurred_at, data"
# The parameters $1..$6 of the columns above, in their order and types.
EVENT_ARRAYS = "$1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[]"


class Enveloped(Protocol):
    @property
    def envelope(self) -> CloudEvent: ...


E = TypeVar("E", bound=Enveloped)

EventArrays = tuple[list[str], list[str], list[str], list[str], list[datetime], list[str]]


def event_arrays(envelopes: Sequence[CloudEvent]) -> EventArrays:
    """The envelopes' values column by column, for EVENT_ARRAYS; the subject is the event's
    key (its partition key)."""
    return (
        [e.source for e in envelopes],
        [e.id for e in envelopes],
        [e.type for e in envelopes],
        [e.key for e in envelopes],
        [e.time for e in envelopes],
        [json.dumps(e.data, ensure_ascii=False) for e in envelopes],
    )


def in_dedup_order(events: Sequence[E]) -> list[E]:
    """The events in the order of their dedup key (`source`, `id`). Two writers whose batches
    share events (a redelivery during a rebalance) wait for each other's rows of the unique
    index; taking them in one order, they wait in turn instead of deadlocking."""
    return sorted(events, key=lambda e: e.envelope.identity)
