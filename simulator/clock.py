"""Simulated time: runs `speed` times faster than real time from a start, never past now."""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class SimulatedClock:
    def __init__(
        self,
        start: datetime,
        speed: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._start = start
        self._speed = speed
        self._monotonic = monotonic
        self._wall = wall
        self._began = monotonic()

    def now(self) -> datetime:
        """Partners never report the future, so simulated time stops at the real now."""
        elapsed = (self._monotonic() - self._began) * self._speed
        return min(self._start + timedelta(seconds=elapsed), self._wall())
