"""The metrics service's use cases: apply a batch of accepted events to the KPI state."""

from collections.abc import Callable, Sequence

from services.metrics import kpi_buckets, repository
from services.metrics.domain.facts import KnownEvent
from services.metrics.domain.touched import Touched
from services.metrics.shared_events import tell_applied
from shared.contracts.cloudevents import CloudEvent
from shared.contracts.events import parse_data
from shared.db import Connection
from shared.messaging.applied import Applied


def decode(envelope: CloudEvent) -> KnownEvent:
    return KnownEvent(envelope, parse_data(envelope))


class ApplyEvents:
    """Record a batch: the dedup records and the KPI state's change (the buckets the events
    fall in, see `kpi_buckets`) in the one transaction.

    KPIs are a pure function of the set of applied events, so a redelivered event changes
    nothing, a late one lands in the period it belongs to, and a retraction undoes its event.
    Once the batch has committed, the evaluator is woken and told which KPIs its events can
    change (`touched`); the other instances are told, by the transaction itself, that it
    applied something.
    """

    def __init__(self, on_committed: Callable[[Touched], None], instance: str) -> None:
        self._on_committed = on_committed
        self._instance = instance
        self._touched: Touched | None = None  # None: the batch applied nothing new

    async def __call__(self, connection: Connection, events: Sequence[KnownEvent]) -> Applied:
        new_seqs = await repository.record_applied(connection, events)
        await kpi_buckets.fold_in(connection, sorted(new_seqs.values()))
        self._touched = None
        if new_seqs:
            new = [event for event in events if event.envelope.identity in new_seqs]
            self._touched = await touched_by(connection, new)
            await tell_applied(connection, self._instance, self._touched)
        return Applied(new=len(new_seqs), duplicates=len(events) - len(new_seqs))

    def committed(self) -> None:
        if self._touched is not None:
            touched, self._touched = self._touched, None
            self._on_committed(touched)


async def touched_by(connection: Connection, new: Sequence[KnownEvent]) -> Touched:
    """What the events new in this transaction change: a retraction changes what the event
    it retracts changed, if that was applied (by now, in this transaction, it has been
    taken out)."""
    retracted = await repository.retracted_events(connection, new)
    return Touched.by([event.data for event in (*new, *retracted)], retracting=True)
