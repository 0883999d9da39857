"""Keys found valid, remembered so that a request with a key need not ask the database.

A remembered key is trusted only while the service hears of every change to keys: the
database tells every instance of every service of each change as it commits (the trigger
of `access` migration 0002, on the `CHANGES` channel), and the key is forgotten at once. So a
revoked key stops working everywhere within the time a notice takes (milliseconds). While
the notices cannot be heard (the listening connection lost), a change may have been missed:
every request asks the database again, as it also does for keys never seen, and what was
remembered before serves only for as long as the database cannot be reached (`KEEP_SECONDS`),
so that reading the KPIs, which the metrics service serves from memory, does not stop with
the database. Remembered by the key's hash, never the key.
"""

import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

from shared.access import Principal, keys
from shared.db import UNREACHABLE
from shared.db.notices import listen

CHANGES: Final = "access_key_changed"
KEEP_SECONDS: Final = 600.0
# Bounded, so that a caller trying many keys cannot grow it; the oldest are forgotten first.
MAX_KEYS: Final = 10_000


@dataclass(frozen=True, slots=True)
class _Remembered:
    key_id: str
    principal: Principal
    found_at: float
    # Which spell of listening it was found valid in: a key found valid before the notices
    # were lost is not trusted again without asking, as its change may have been missed.
    hearing: int


class KnownKeys:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._known: dict[bytes, _Remembered] = {}
        self._hearing = 0  # counts the spells of listening; odd while listening
        self._trusting = False
        self._notices = 0

    async def principal_of(
        self, presented: str, look_up: Callable[[], Awaitable[Principal | None]]
    ) -> Principal | None:
        """Who holds the key: remembered while trusted, else what `look_up` says; when that
        cannot reach the database, what it said lately."""
        digest = hashlib.sha256(presented.encode()).digest()
        remembered = self._known.get(digest)
        if remembered is not None and self._trusting and remembered.hearing == self._hearing:
            return remembered.principal
        notices_before = self._notices
        try:
            principal = await look_up()
        except UNREACHABLE:
            if remembered is None or self._clock() - remembered.found_at > KEEP_SECONDS:
                raise
            return remembered.principal
        self._known.pop(digest, None)
        parsed = keys.parse(presented)
        # A change told while the database was asked may have come just after it answered:
        # what it answered is used this once, not remembered.
        if principal is not None and parsed is not None and self._notices == notices_before:
            if len(self._known) >= MAX_KEYS:
                del self._known[next(iter(self._known))]
            self._known[digest] = _Remembered(
                parsed.key_id, principal, self._clock(), self._hearing
            )
        return principal

    def forget(self, key_id: str) -> None:
        self._notices += 1
        for digest in [d for d, r in self._known.items() if r.key_id == key_id]:
            del self._known[digest]

    def hearing(self, listening: bool) -> None:
        """Whether changes are heard from now on; each new spell of listening distrusts
        what was found before it."""
        if listening != self._trusting:
            self._hearing += 1
            self._trusting = listening

    async def listen(self, dsn: str) -> None:
        """Hear of changes to keys until cancelled."""
        await listen(dsn, CHANGES, self.forget, self.hearing)
