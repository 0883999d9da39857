"""Background work: round after round until the service stops, whatever fails meanwhile.

A worker gives `Rounds` its round, or a session that yields it: an async context manager
that readies what the rounds need (a leader lock from `shared.db.leader`, a listener, a
client) and lets it go when the session ends. Then:

1. Each round returns how long the work may rest before the next; `wake` ends the rest at
   once (a new row, a NOTIFY, an answer). A round that wants no rest returns 0.
2. A round that fails ends its session. While the database or Kafka is unreachable, or a
   leader lost its lock, that is said as a warning; anything else as an error, with its
   traceback. Either way a new session begins after a backoff that doubles up to a limit,
   so that an outage is not hammered; a round that succeeds starts the backoff over.
3. A stop (the task cancelled) ends the work at once, whether it is in a round, at rest or
   backing off, and the session's exits run on the way out.

A round that needs its leader lock confirms it in its own transaction (`Leader.confirm`):
confirmed apart from the work, the lock could go between the two.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import NoReturn

from shared.db import UNREACHABLE
from shared.db.leader import LeadershipLost
from shared.messaging.connection import kafka_unreachable
from shared.pauses import woken_or_after

Round = Callable[[], Awaitable[float]]
Session = Callable[[], AbstractAsyncContextManager[Round]]


def unreachable(error: BaseException) -> bool:
    """Nothing is wrong with the work: the database or Kafka cannot serve it just now, or
    another instance leads it now. Waiting is the cure."""
    return isinstance(error, (*UNREACHABLE, LeadershipLost)) or kafka_unreachable(error)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Seconds between failed sessions: `first`, doubling up to `longest`."""

    first: float = 0.2
    longest: float = 10.0

    def after(self, delay: float) -> float:
        return min(delay * 2, self.longest)


class Rounds:
    """The rounds of one piece of background work, named in its logs by `name`."""

    def __init__(
        self,
        name: str,
        log: logging.Logger,
        *,
        backoff: Backoff | None = None,
        on_failure: Callable[[Exception], None] | None = None,
    ) -> None:
        self._name = name
        self._log = log
        self._backoff = backoff or Backoff()
        self._on_failure = on_failure
        self._wake = asyncio.Event()
        self._delay = self._backoff.first
        self._woken = False

    def wake(self) -> None:
        """End the current rest, or skip the next one if a round is under way."""
        self._wake.set()

    @property
    def woken(self) -> bool:
        """Whether a wake-up, rather than the end of its rest, began the current round."""
        return self._woken

    async def run(self, round: Round) -> NoReturn:
        """Run `round` until cancelled, with nothing to ready around it."""
        await self.run_sessions(lambda: _bare(round))

    async def run_sessions(self, session: Session) -> NoReturn:
        """Run sessions of rounds until cancelled; a failed one is followed by a new one."""
        while True:
            try:
                async with session() as round:
                    await self._rounds(round)
            except Exception as error:
                self._failed(error)
            await asyncio.sleep(self._delay)
            self._delay = self._backoff.after(self._delay)

    async def _rounds(self, round: Round) -> NoReturn:
        while True:
            self._wake.clear()
            rest = await round()
            self._delay = self._backoff.first
            if rest > 0:
                await woken_or_after(self._wake, rest)
            else:
                await asyncio.sleep(0)  # others' turn, even while a backlog drains
            self._woken = self._wake.is_set()

    def _failed(self, error: Exception) -> None:
        if self._on_failure is not None:
            self._on_failure(error)
        if unreachable(error):
            self._log.warning("%s paused (%s); again in %.1fs", self._name, error, self._delay)
        else:
            # A bug must not end the work for good: say so loudly, and try again.
            self._log.exception("%s failed; again in %.1fs", self._name, self._delay)


@contextlib.asynccontextmanager
async def _bare(round: Round) -> AsyncIterator[Round]:
    yield round
