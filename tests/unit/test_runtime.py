"""A service's long-lived tasks run until it stops; one that ends before is said loudly."""

import asyncio

import pytest

from shared.runtime import background


async def test_a_background_task_that_ends_early_is_logged_as_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def announce() -> None:
        raise RuntimeError("the broker went away")

    async def serve() -> None:
        await asyncio.Event().wait()

    async with background(announce(), serve()):
        for _ in range(10):
            await asyncio.sleep(0)

    [record] = [r for r in caplog.records if r.name == "shared.runtime"]
    assert record.levelname == "ERROR"
    assert record.getMessage() == (
        "background task test_a_background_task_that_ends_early_is_logged_as_an_error"
        ".<locals>.announce ended: RuntimeError('the broker went away')"
    )
