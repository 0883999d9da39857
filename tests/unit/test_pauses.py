"""A background loop's pause always ends when the loop is asked to stop."""

import asyncio

import pytest

from shared.pauses import woken_or_after


async def test_a_pause_ends_when_woken_or_when_its_time_is_up() -> None:
    wake = asyncio.Event()
    timed_out = asyncio.create_task(woken_or_after(wake, 0.01))
    await asyncio.wait_for(timed_out, 5)
    woken = asyncio.create_task(woken_or_after(wake, 60))
    wake.set()
    await asyncio.wait_for(woken, 5)


async def test_a_stop_that_comes_as_the_wake_up_does_is_not_lost() -> None:
    wake = asyncio.Event()

    async def loop() -> None:
        while True:
            await woken_or_after(wake, 60)
            wake.clear()

    running = asyncio.create_task(loop())
    await asyncio.sleep(0)
    wake.set()
    running.cancel()

    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(running, 5)
