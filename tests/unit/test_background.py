"""Background work goes on round after round: it rests until woken, backs off while what it
needs is away, says a bug loudly without stopping for it, and stops at once when asked."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

import asyncpg
import pytest
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, SaslAuthenticationFailed

from shared.background import Backoff, Round, Rounds, unreachable
from shared.db.leader import LeadershipLost

log = logging.getLogger("tests.background")
QUICK = Backoff(first=0.01, longest=0.02)


class Script:
    """A round that does, round after round, what it is told; and counts the sessions."""

    def __init__(self, *steps: Callable[[], float]) -> None:
        self.steps = list(steps)
        self.rounds = 0
        self.sessions_begun = 0
        self.sessions_ended = 0
        self.done = asyncio.Event()

    async def round(self) -> float:
        self.rounds += 1
        if not self.steps:
            self.done.set()
            return 60.0
        return self.steps.pop(0)()

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[Round]:
        self.sessions_begun += 1
        try:
            yield self.round
        finally:
            self.sessions_ended += 1


def fails(error: Exception) -> Callable[[], float]:
    def step() -> float:
        raise error

    return step


def rests(seconds: float) -> Callable[[], float]:
    return lambda: seconds


async def stopped(task: "asyncio.Task[None]") -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()


@pytest.mark.parametrize(
    "error",
    [
        OSError("connection refused"),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        KafkaConnectionError("no broker"),
        KafkaTimeoutError(),
        LeadershipLost("the lock went"),
    ],
)
def test_the_database_or_kafka_away_or_a_lost_lock_is_waited_out(error: Exception) -> None:
    assert unreachable(error)


@pytest.mark.parametrize(
    "error", [ValueError("a bug"), SaslAuthenticationFailed(), asyncpg.UniqueViolationError()]
)
def test_a_bug_or_a_refused_login_is_not_an_outage(error: Exception) -> None:
    assert not unreachable(error)


async def test_a_rest_ends_when_woken_and_the_round_knows_it() -> None:
    rounds = Rounds("work", log, backoff=QUICK)
    script = Script(rests(60))
    seen: list[bool] = []
    resting = asyncio.Event()

    async def round() -> float:
        seen.append(rounds.woken)
        rest = await script.round()
        resting.set()
        return rest

    running = asyncio.create_task(rounds.run(round))
    await asyncio.wait_for(resting.wait(), 5)
    rounds.wake()
    await asyncio.wait_for(script.done.wait(), 5)
    await stopped(running)
    assert seen == [False, True]


async def test_an_outage_is_a_warning_a_bug_an_error_and_the_work_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    failures: list[Exception] = []
    rounds = Rounds("work", log, backoff=QUICK, on_failure=failures.append)
    script = Script(rests(0), fails(OSError("database away")), fails(ValueError("a bug")))
    running = asyncio.create_task(rounds.run_sessions(script.session))
    await asyncio.wait_for(script.done.wait(), 5)
    await stopped(running)

    assert [type(f) for f in failures] == [OSError, ValueError]
    said = [(r.levelname, r.getMessage(), r.exc_info is not None) for r in caplog.records]
    assert said == [
        ("WARNING", "work paused (database away); again in 0.0s", False),
        ("ERROR", "work failed; again in 0.0s", True),
    ]
    # Each failure ended its session, and a new one began after the backoff.
    assert (script.sessions_begun, script.sessions_ended) == (3, 3)


async def test_the_backoff_doubles_while_failing_and_starts_over_after_a_round_that_works(
    caplog: pytest.LogCaptureFixture,
) -> None:
    away = OSError("away")
    rounds = Rounds("work", log, backoff=Backoff(first=0.1, longest=0.4))
    script = Script(fails(away), fails(away), fails(away), fails(away), rests(0), fails(away))
    running = asyncio.create_task(rounds.run(script.round))
    await asyncio.wait_for(script.done.wait(), 10)
    await stopped(running)

    waits = [r.getMessage().rsplit(" ", 1)[-1] for r in caplog.records]
    assert waits == ["0.1s", "0.2s", "0.4s", "0.4s", "0.1s"]


@pytest.mark.parametrize("where", ["in a round", "at rest", "backing off"])
async def test_a_stop_ends_the_work_at_once_and_the_session_lets_go(where: str) -> None:
    rounds = Rounds("work", log, backoff=Backoff(first=60, longest=60))
    reached = asyncio.Event()

    def step() -> float:
        reached.set()
        if where == "backing off":
            raise OSError("away")
        return 60.0

    async def round() -> float:
        rest = step()
        if where == "in a round":
            await asyncio.Event().wait()
        return rest

    script = Script()

    @contextlib.asynccontextmanager
    async def session() -> AsyncIterator[Round]:
        async with script.session():
            yield round

    running = asyncio.create_task(rounds.run_sessions(session))
    await asyncio.wait_for(reached.wait(), 5)
    await asyncio.sleep(0)
    await asyncio.wait_for(stopped(running), 5)
    assert (script.sessions_begun, script.sessions_ended) == (1, 1)
