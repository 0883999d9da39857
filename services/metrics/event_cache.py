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
from services.metrics.domain.fact_log import FactLog
from services.metrics.domain.facts import KnownEvent
from shared.db import Connection

# Sequence numbers are handed out when rows are inserted but become visible when their
# transaction commits, so a late commit can land below the highest number seen. Reading a
# window back from there catches those rows; the numbers already known make the overlap
# harmless.
LATE_COMMIT_WINDOW = 10_000
PAGE = 5_000
# Facts live as long as the process, and Python's cyclic garbage collector would walk all of
# them again and again (a third of a replay's time at a million). Every so many new facts,
# what is garbage is collected and what lives is moved out of the collector's sight
# (gc.freeze); reference counting still frees it, and nothing unreachable is frozen.
FREEZE_EVERY = 50_000


class SeqSet:
    """Sequence numbers, a bit each: every event ever added stays known in a few bytes, so
    no window of remembered numbers can let an event in twice or keep one out."""

    __slots__ = ("_bits",)

    def __init__(self) -> None:
        self._bits = bytearray()

    def __contains__(self, seq: int) -> bool:
        byte, bit = divmod(seq, 8)
        return byte < len(self._bits) and bool(self._bits[byte] >> bit & 1)

    def add(self, seq: int) -> bool:
        """Remember `seq`; False if it was known already."""
        byte, bit = divmod(seq, 8)
        if byte >= len(self._bits):
            # Doubling keeps the copies rare while the numbers climb one by one.
            self._bits.extend(bytes(max(byte + 1, 2 * len(self._bits)) - len(self._bits)))
        if self._bits[byte] >> bit & 1:
            return False
        self._bits[byte] |= 1 << bit
        return True


class EventCache:
    def __init__(
        self,
        zones: Iterable[ZoneInfo],
        *,
        late_commit_window: int = LATE_COMMIT_WINDOW,
        page: int = PAGE,
    ) -> None:
        self._logs = {zone: FactLog(zone) for zone in set(zones)}
        self._window = late_commit_window
        self._page = page
        self._known = SeqSet()
        self._highest = 0
        # Until one catch-up has read the whole table, the numbers of the batches the consumer
        # adds say nothing of what lies below them: a restarted service applies its backlog
        # while its first catch-up still pages through history.
        self._read_all_once = False
        self.size = 0  # how many applied events the facts come from
        self._unfrozen = 0

    def log(self, zone: ZoneInfo) -> FactLog:
        return self._logs[zone]

    async def catch_up(self, connection: Connection) -> None:
        # The window is read again on every catch-up: by sequence number first, so that only
        # the events not known yet (usually none) are fetched and parsed.
        after = max(self._highest - self._window, 0) if self._read_all_once else 0
        while True:
            seqs = await repository.seqs_after(connection, after, self._page)
            unknown = [seq for seq in seqs if seq not in self._known]
            if unknown:
                self.add(await repository.events_numbered(connection, unknown))
            if len(seqs) < self._page:
                self._read_all_once = True
                return
            after = seqs[-1]

    def add(self, events: Iterable[tuple[int, KnownEvent]]) -> None:
        new = []
        for seq, event in events:
            if self._known.add(seq):
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
