"""A service's long-lived tasks run until it stops; one that ends before is said loudly, and
the service says it is not ready from then on. Asked to stop, it stops, whatever hangs."""

import asyncio

import pytest

from shared.app import stopped
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


async def test_a_part_that_does_not_let_go_cannot_keep_the_service_from_stopping(
    caplog: pytest.LogCaptureFixture,
) -> None:
    never = asyncio.Event()

    hung = await stopped("the Kafka clients", never.wait(), within=0.05)
    prompt = await stopped("the database pool", asyncio.sleep(0), within=0.05)

    assert (hung, prompt) == (False, True)
    [record] = [r for r in caplog.records if r.name == "shared.app"]
    assert record.levelname == "ERROR"
    assert record.getMessage().startswith("the Kafka clients did not stop within")
