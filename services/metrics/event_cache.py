"""The applied events, kept in memory as facts, so that each evaluation reads no event again.

The database stays the source of truth: the cache catches up with what any instance applied
(by the events' sequence numbers) before each evaluation, and adds a batch's events itself
only once the batch's transaction has committed. Each event is added once, by its sequence
number, since the fact logs hold facts and not the events they came from.
"""

import gc
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from services.metrics import repository
from services.metrics.domain.facts import FactLog, KnownEvent
from shared.db import Connection

# Sequence numbers are handed out when rows are inserted but become visible when their
# transaction commits, so a late commit can land below the highest number seen. Reading a
# window back from there catches those rows; the numbers seen in it make the overlap harmless.
LATE_COMMIT_WINDOW = 10_000
PAGE = 5_000
# Facts live as long as the process, and Python's cyclic garbage collector would walk all of
# them again and again (a third of a replay's time at a million). Every so many new facts,
# what is garbage is collected and what lives is moved out of the collector's sight
# (gc.freeze); reference counting still frees it, and nothing unreachable is frozen.
FREEZE_EVERY = 50_000


class EventCache:
    def __init__(self, zones: Iterable[ZoneInfo]) -> None:
        self._logs = {zone: FactLog(zone) for zone in set(zones)}
        self._highest = 0
        self._seen: set[int] = set()
        self.size = 0  # how many applied events the facts come from
        self._unfrozen = 0

    def log(self, zone: ZoneInfo) -> FactLog:
        return self._logs[zone]

    async def catch_up(self, connection: Connection) -> None:
        # The window is read again on every catch-up: by sequence number first, so that only
        # the events not seen yet (usually none) are fetched and parsed.
        after = max(self._highest - LATE_COMMIT_WINDOW, 0)
        while True:
            seqs = await repository.seqs_after(connection, after, PAGE)
            unseen = [seq for seq in seqs if seq not in self._seen]
            if unseen:
                self.add(await repository.events_numbered(connection, unseen))
            if len(seqs) < PAGE:
                return
            after = seqs[-1]

    def add(self, events: Iterable[tuple[int, KnownEvent]]) -> None:
        new = []
        for seq, event in events:
            if seq in self._seen or seq <= self._highest - LATE_COMMIT_WINDOW:
                continue
            self._seen.add(seq)
            self._highest = max(self._highest, seq)
            new.append(event)
        self.size += len(new)
        for log in self._logs.values():
            log.add(new)
        self._unfrozen += len(new)
        if self._unfrozen >= FREEZE_EVERY:
            gc.collect()
            gc.freeze()
            self._unfrozen = 0
        self._forget_below(self._highest - LATE_COMMIT_WINDOW)

    def _forget_below(self, seq: int) -> None:
        if len(self._seen) > 2 * LATE_COMMIT_WINDOW:
            self._seen = {s for s in self._seen if s > seq}
