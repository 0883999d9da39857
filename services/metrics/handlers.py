"""The metrics service's use cases: apply a batch of accepted events to the event log."""

from collections.abc import Callable, Sequence

from services.metrics import repository
from services.metrics.domain.facts import KnownEvent
from services.metrics.event_cache import EventCache
from services.metrics.shared_events import tell_applied
from shared.contracts.cloudevents import CloudEvent
from shared.contracts.events import parse_data
from shared.db import Connection
from shared.messaging.applied import Applied


def decode(envelope: CloudEvent) -> KnownEvent:
    return KnownEvent(envelope, parse_data(envelope))


class ApplyEvents:
    """Record a batch in the event log: the dedup records ARE the KPI state's change.

    KPIs are a pure function of the set of applied events, so a redelivered event changes
    nothing, a late one lands in the period it belongs to, and a retraction undoes its event.
    Once the batch has committed, the cache learns its new events and the evaluator is woken;
    the other instances are told, by the transaction itself, that it applied something.
    """

    def __init__(
        self, cache: EventCache, wake_evaluator: Callable[[], None], instance: str
    ) -> None:
        self._cache = cache
        self._wake = wake_evaluator
        self._instance = instance
        self._uncommitted: list[tuple[int, KnownEvent]] = []

    async def __call__(self, connection: Connection, events: Sequence[KnownEvent]) -> Applied:
        new_seqs = await repository.record_applied(connection, events)
        new: dict[tuple[str, str], tuple[int, KnownEvent]] = {}
        for event in events:
            identity = (event.envelope.source, event.envelope.id)
            if identity in new_seqs:
                new.setdefault(identity, (new_seqs[identity], event))
        self._uncommitted = list(new.values())
        if new:
            await tell_applied(connection, self._instance)
        return Applied(new=len(new), duplicates=len(events) - len(new))

    def committed(self) -> None:
        if self._uncommitted:
            self._cache.add(self._uncommitted)
            self._uncommitted = []
            self._wake()
