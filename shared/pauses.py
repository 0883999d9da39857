"""Pauses of the background loops: until woken, or until a time has passed."""

import asyncio
import contextlib


async def woken_or_after(wake: asyncio.Event, seconds: float) -> None:
    """Wait until `wake` is set or `seconds` have passed, whichever comes first.

    asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation that
    comes as the wake-up does, and a service asked to stop then waits for ever.
    """
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await wake.wait()
