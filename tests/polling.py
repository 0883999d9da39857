"""Waiting for a condition instead of sleeping for a guess."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]],
    accept: Callable[[T], bool],
    *,
    within: float = 30.0,
    every: float = 0.1,
) -> T:
    """Call `probe` until `accept` likes its answer; fail with the last answer otherwise."""
    deadline = time.monotonic() + within
    while True:
        answer = await probe()
        if accept(answer):
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within}s; last answer: {answer!r}")
        await asyncio.sleep(every)
