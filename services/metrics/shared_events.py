"""The KPI state every instance has applied to, as this instance knows it.

The state is in the database (`kpi_buckets`); an instance reads what changed since it last
looked (`BucketCache`'s catch-up). So that answers cost nothing while nothing changed, each
batch applied tells the other instances so (NOTIFY on `CHANNEL`, with the applying
instance's name in the payload), and an instance catches up only once told or once it
applied a batch itself, when asked to (the evaluator's timer), and whenever it cannot listen
(its listening connection lost: it may have missed a notice).
"""

import asyncio
import logging
from collections.abc import Mapping
from zoneinfo import ZoneInfo

import asyncpg

from services.metrics.bucket_cache import BucketCache
from services.metrics.domain.buckets import Wanted
from shared.db import UNREACHABLE, Connection
from shared.db.notices import listen

log = logging.getLogger(__name__)

CHANNEL = "metrics_applied"


async def tell_applied(connection: Connection, instance: str) -> None:
    """In the applying transaction: the others hear of it when, and only if, it commits."""
    await connection.execute("SELECT pg_notify($1, $2)", CHANNEL, instance)


class SharedEvents:
    def __init__(self, cache: BucketCache, pool: asyncpg.Pool, dsn: str, instance: str) -> None:
        self.cache = cache
        self._pool = pool
        self._dsn = dsn
        self._instance = instance
        self._listening = False
        # Whether something changed since the last catch-up of everything, and since the
        # last of any kind; until a first catch-up, everything is news.
        self._told = True
        self._told_since_partial = True
        self._lock = asyncio.Lock()
        self._begun = 0  # catch-ups of everything begun

    async def refresh(
        self,
        within: float | None = None,
        *,
        always: bool = False,
        wanted: Mapping[ZoneInfo, Wanted] | None = None,
    ) -> None:
        """Catch up with what the other instances applied, if they said they did (`always`:
        whatever they said); with everything, or only with what `wanted` names (an owner's
        evaluation: see `BucketCache`).

        Concurrent callers share one catch-up of everything, but never one that began
        before they asked. A caller that gives up after `within` seconds (an API answer: the
        database may be away, or a first catch-up still reading years of history) goes on
        with what this instance knows; what was read so far stays read.
        """
        told = self._told if wanted is None else self._told_since_partial
        if not (always or told or not self._listening):
            return
        asked = self._begun
        try:
            async with asyncio.timeout(within), self._lock:
                if wanted is None and self._begun > asked:
                    return  # one began after the ask, and it has ended: the lock is ours
                # Cleared before reading: a notice that comes during the read is kept.
                self._told_since_partial = False
                if wanted is None:
                    self._begun += 1
                    self._told = False
                async with self._pool.acquire() as connection:
                    await self.cache.catch_up(connection, wanted)
        except UNREACHABLE as error:
            self._told = self._told_since_partial = True  # not caught up: try again next time
            log.warning("answering from what is known: no catch-up now (%r)", error)
        except asyncio.CancelledError:
            self._told = self._told_since_partial = True
            raise

    async def listen(self) -> None:
        """Hear the other instances' notices until cancelled, connecting again when lost."""
        await listen(self._dsn, CHANNEL, self._heard, self._hearing)

    def changed(self) -> None:
        """This instance applied a batch: the next ask catches up."""
        self._told = self._told_since_partial = True

    def _hearing(self, listening: bool) -> None:
        self._listening = listening
        if listening:
            self._told = self._told_since_partial = True  # what was missed while not listening

    def _heard(self, instance: str) -> None:
        if instance != self._instance:
            self._told = self._told_since_partial = True
