"""The KPI state every instance has applied to, as this instance knows it.

The state is in the database (`kpi_buckets`); an instance reads what changed since it last
looked (`BucketCache`'s catch-up). So that answers cost nothing while nothing changed, each
batch applied tells the other instances so (NOTIFY on `CHANNEL`, with the applying
instance's name in the payload), and an instance catches up only once told or once it
applied a batch itself, when asked to (the evaluator's timer), and whenever it cannot listen
(its listening connection lost: it may have missed a notice). The notice also says which
KPIs the batch can have changed (see `notice`): their owners evaluate them next round.
"""

import asyncio
import json
import logging
from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo

import asyncpg

from services.metrics.bucket_cache import BucketCache
from services.metrics.domain.buckets import Wanted
from services.metrics.domain.touched import EVERYTHING, Touched
from shared.db import UNREACHABLE, Connection
from shared.db.notices import listen

log = logging.getLogger(__name__)

CHANNEL = "metrics_applied"
# PostgreSQL takes payloads shorter than 8,000 bytes.
NOTICE_BYTES = 7_000


async def tell_applied(connection: Connection, instance: str, touched: Touched) -> None:
    """In the applying transaction: the others hear of it when, and only if, it commits."""
    await connection.execute("SELECT pg_notify($1, $2)", CHANNEL, notice(instance, touched))


def notice(instance: str, touched: Touched) -> str:
    """A notice's payload: who applied a batch, and what of the KPI state it touched (the
    owners of the KPIs it can change evaluate them)."""
    payload = json.dumps({"instance": instance, "touched": touched.to_json()})
    if len(payload.encode()) < NOTICE_BYTES:
        return payload
    return json.dumps({"instance": instance, "touched": EVERYTHING.to_json()})


def heard(payload: str) -> tuple[str, Touched]:
    """Who applied a batch and what it touched, from a notice's payload."""
    try:
        document = json.loads(payload)
        return str(document["instance"]), Touched.from_json(document["touched"])
    except (ValueError, LookupError, TypeError):
        # An instance of an earlier version names only itself.
        return payload, EVERYTHING


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
        self._told_of: list[Callable[[Touched], None]] = []

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

    def when_told(self, touched: Callable[[Touched], None]) -> None:
        """Have `touched` called with what the other instances' batches touched, as heard
        (with everything, when notices may have been missed)."""
        self._told_of.append(touched)

    def changed(self) -> None:
        """This instance applied a batch: the next ask catches up."""
        self._told = self._told_since_partial = True

    def _hearing(self, listening: bool) -> None:
        self._listening = listening
        if listening:
            self._told = self._told_since_partial = True  # what was missed while not listening
            self._tell(EVERYTHING)

    def _heard(self, payload: str) -> None:
        instance, touched = heard(payload)
        if instance != self._instance:
            self._told = self._told_since_partial = True
            self._tell(touched)

    def _tell(self, touched: Touched) -> None:
        for told in self._told_of:
            told(touched)
