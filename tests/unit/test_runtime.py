"""A service's long-lived tasks run until it stops; one that ends before is said loudly, and
the service says it is not ready from then on."""

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

    async with background(announce(), serve()) as running:
        for _ in range(10):
            await asyncio.sleep(0)
        with pytest.raises(RuntimeError) as not_ready:
            await running()

    assert str(not_ready.value) == (
        "stopped: test_a_background_task_that_ends_early_is_logged_as_an_error.<locals>.announce"
    )
    [record] = [r for r in caplog.records if r.name == "shared.runtime"]
    assert record.levelname == "ERROR"
    assert record.getMessage() == (
        "background task test_a_background_task_that_ends_early_is_logged_as_an_error"
        ".<locals>.announce ended: RuntimeError('the broker went away')"
    )


async def test_while_every_task_runs_the_service_is_ready() -> None:
    async def serve() -> None:
        await asyncio.Event().wait()

    async with background(serve(), serve()) as running:
        await asyncio.sleep(0)
        await running()  # raises when a task has stopped
