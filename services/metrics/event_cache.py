"""The applied events, kept in memory so that each evaluation does not read them all again.

The database stays the source of truth: the cache catches up with what any instance applied
(by the events' sequence numbers) before each evaluation, and adds a batch's events itself
only once the batch's transaction has committed.
"""

from collections.abc import Iterable

from services.metrics import repository
from services.metrics.domain.facts import KnownEvent
from shared.db import Connection

# Sequence numbers are handed out when rows are inserted but become visible when their
# transaction commits, so a late commit can land below the highest number seen. Reading a
# window back from there catches those rows; keys make the overlap harmless.
LATE_COMMIT_WINDOW = 10_000


class EventCache:
    def __init__(self) -> None:
        self._events: dict[tuple[str, str], KnownEvent] = {}
        self._seq = 0

    async def catch_up(self, connection: Connection) -> None:
        events, highest = await repository.events_after(
            connection, max(self._seq - LATE_COMMIT_WINDOW, 0)
        )
        self.add(events)
        self._seq = max(self._seq, highest)

    def add(self, events: Iterable[KnownEvent]) -> None:
        for event in events:
            self._events[(event.envelope.source, event.envelope.id)] = event

    def all(self) -> list[KnownEvent]:
        return list(self._events.values())
