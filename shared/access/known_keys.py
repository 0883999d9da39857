"""Keys recently found valid, remembered for when the database cannot be asked.

Every request with a key asks the database, so a revoked key stops working at once. Only
while the database is unreachable does a service fall back on what it found out about the
same key within the last `KEEP_SECONDS`: reading the KPIs, which the metrics service serves
from memory, must not stop with the database. Remembered by the key's hash, never the key.
"""

import hashlib
import time
from collections.abc import Awaitable, Callable
from typing import Final

from shared.access import Principal
from shared.db import UNREACHABLE

KEEP_SECONDS: Final = 600.0
# Bounded, so that a caller trying many keys cannot grow it; the oldest are forgotten first.
MAX_KEYS: Final = 10_000


class KnownKeys:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._known: dict[bytes, tuple[Principal, float]] = {}

    async def principal_of(
        self, presented: str, look_up: Callable[[], Awaitable[Principal | None]]
    ) -> Principal | None:
        """What `look_up` says; when it cannot reach the database, what it said lately."""
        digest = hashlib.sha256(presented.encode()).digest()
        try:
            principal = await look_up()
        except UNREACHABLE:
            remembered = self._known.get(digest)
            if remembered is None or self._clock() - remembered[1] > KEEP_SECONDS:
                raise
            return remembered[0]
        self._known.pop(digest, None)
        if principal is not None:
            if len(self._known) >= MAX_KEYS:
                del self._known[next(iter(self._known))]
            self._known[digest] = (principal, self._clock())
        return principal
