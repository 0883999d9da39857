"""The metrics service's evaluator outlives whatever fails in one round: a round that cannot
finish is tried again on the next tick, it never ends the announcements for good; and a round
that waited long for Kafka is not followed by a rest as long as the wait. A round after a
batch evaluates only the KPIs the batch touched, and announces what a full round would. The
gauges of a partition the consumer is behind on show the state applied, brought up to date
every second; its announcements wait until it is caught up with."""

import asyncio
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka.errors import KafkaTimeoutError

from services.metrics.bucket_cache import BucketCache
from services.metrics.domain.touched import NOTHING_TOUCHED, Touched
from services.metrics.evaluator import BEHIND_SECONDS, KpiEvaluator
from services.metrics.gauges import exposition
from services.metrics.handlers import ApplyEvents, decode
from services.metrics.ownership import Claims, partition_of
from services.metrics.shared_events import SharedEvents
from shared.contracts.cloudevents import HEADER_PREFIX
from shared.contracts.kpi_events import CommitmentStatusChanged
from shared.messaging.assignment import Assignment
from shared.promises import default_promises, school_holiday_calendars
from tests.factories import activity_completed, event, event_retracted
from tests.notifications_harness import local
from tests.polling import eventually


async def outbox_size(pool: asyncpg.Pool) -> int:
    size: int = await pool.fetchval("SELECT count(*) FROM outbox")
    return size


class LoneConsumer:
    """A consumer that owns every partition, as the only instance does; how far it has read
    cannot be told the first time it is asked (Kafka away for its request timeout)."""

    topic = "lofte.activities.v1"

    def __init__(self) -> None:
        self.assignment = Assignment(self.topic)
        self.assignment.partitions = frozenset(range(6))
        self.assignment.generation = 1
        self.asked = 0

    async def caught_up_partitions(self) -> frozenset[int]:
        self.asked += 1
        if self.asked == 1:
            # What aiokafka raises once the broker has been away for its request timeout.
            raise KafkaTimeoutError("Failed to get offsets by times in 40000 ms")
        return self.assignment.partitions

    def partition_count(self) -> int:
        return len(self.assignment.partitions)


class SlowToAnswerConsumer(LoneConsumer):
    """Kafka takes `wait` seconds to answer the first question, and then cannot say how far
    the consumer has read (as `shared.messaging.progress` answers once aiokafka gave up)."""

    def __init__(self, wait: float) -> None:
        super().__init__()
        self._wait = wait

    async def caught_up_partitions(self) -> frozenset[int]:
        self.asked += 1
        if self.asked == 1:
            await asyncio.sleep(self._wait)
            return frozenset()
        return self.assignment.partitions


class CaughtUpConsumer(LoneConsumer):
    async def caught_up_partitions(self) -> frozenset[int]:
        return self.assignment.partitions


async def announced(pool: asyncpg.Pool) -> list[tuple[str, str]]:
    """The announcements in the outbox, in order: (type, subject)."""
    rows = await pool.fetch("SELECT headers FROM outbox ORDER BY position")
    headers = [json.loads(row["headers"]) for row in rows]
    return [(h[f"{HEADER_PREFIX}type"], h[f"{HEADER_PREFIX}subject"]) for h in headers]


async def ledger(pool: asyncpg.Pool, promise: str) -> dict[str, Any]:
    stored = await pool.fetchval("SELECT announced FROM kpi_announced WHERE promise = $1", promise)
    told: dict[str, Any] = json.loads(stored)
    return told


async def apply_batch(
    pool: asyncpg.Pool, documents: list[dict[str, Any]], instance: str = "test"
) -> Touched:
    """Apply a batch as `instance`'s consumer does; what it touched, as its evaluator is
    told."""
    told: list[Touched] = []
    apply = ApplyEvents(told.append, instance)
    async with pool.acquire() as connection, connection.transaction():
        await apply(connection, [decode(event(document)) for document in documents])
    apply.committed()
    [touched] = told
    return touched


STATUS_CHANGED = CommitmentStatusChanged.TYPE


def evaluator_over(
    consumer: LoneConsumer,
    metrics_pool: asyncpg.Pool,
    database_url: str,
    interval_seconds: float = 0.05,
    monotonic: Callable[[], float] = time.monotonic,
) -> KpiEvaluator:
    promises = default_promises()
    return KpiEvaluator(
        pool=metrics_pool,
        promises=promises,
        calendars=school_holiday_calendars(),
        events=SharedEvents(
            BucketCache(promise.zone for promise in promises), metrics_pool, database_url, "test"
        ),
        clock=lambda: local(2017, 3, 15, 9),
        output_topic="lofte.metrics.v1",
        gap_notice_days=7,
        interval_seconds=interval_seconds,
        claims=Claims(consumer, consumer.assignment, "test"),
        monotonic=monotonic,
    )


async def test_announcements_go_on_after_kafka_could_not_say_how_far_the_consumer_is(
    metrics_pool: asyncpg.Pool, database_url: str
) -> None:
    consumer = LoneConsumer()
    evaluator = evaluator_over(consumer, metrics_pool, database_url)
    running = asyncio.create_task(evaluator.run())
    try:
        announced = await eventually(lambda: outbox_size(metrics_pool), lambda n: n > 0)
        still_running = not running.done()
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)

    assert consumer.asked >= 2
    assert announced > 0
    assert still_running


async def test_a_round_that_waited_for_kafka_does_not_rest_as_long_before_announcing(
    metrics_pool: asyncpg.Pool, database_url: str
) -> None:
    wait = 3.0
    consumer = SlowToAnswerConsumer(wait)
    running = asyncio.create_task(evaluator_over(consumer, metrics_pool, database_url).run())
    try:
        # Resting four times the round's length, as the evaluator once did, would take 15 s.
        announced = await eventually(
            lambda: outbox_size(metrics_pool), lambda n: n > 0, within=wait + 5
        )
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)

    assert announced > 0


async def test_a_round_after_a_batch_announces_for_what_it_touched_as_a_full_round_would(
    metrics_pool: asyncpg.Pool, database_url: str
) -> None:
    evaluator = evaluator_over(CaughtUpConsumer(), metrics_pool, database_url)
    await evaluator.evaluate_all()  # every KPI's first word
    first_word = await ledger(metrics_pool, "lund-2017")
    before = await announced(metrics_pool)
    march = datetime(2017, 3, 6, 9, tzinfo=UTC)
    five = [activity_completed("volontarinsatser", time=march) for _ in range(5)]

    touched = await apply_batch(metrics_pool, five)
    await evaluator.evaluate_all(catch_up=False, touched=touched)
    after_batch = await announced(metrics_pool)
    word_after_batch = await ledger(metrics_pool, "lund-2017")
    await evaluator.evaluate_all()  # all of them again: nothing left to say

    assert after_batch[len(before) :] == [(STATUS_CHANGED, "volontarinsatser")]
    assert await announced(metrics_pool) == after_batch
    assert await ledger(metrics_pool, "lund-2017") == word_after_batch
    assert word_after_batch["commitments"]["volontarinsatser"]["status"] == "achieved"
    others = {k: v for k, v in word_after_batch["commitments"].items() if k != "volontarinsatser"}
    assert others == {k: v for k, v in first_word["commitments"].items() if k != "volontarinsatser"}
    assert word_after_batch["outcomes"] == first_word["outcomes"]

    touched = await apply_batch(metrics_pool, [event_retracted(five[0], time=march)])
    await evaluator.evaluate_all(catch_up=False, touched=touched)
    after_retraction = await announced(metrics_pool)
    await evaluator.evaluate_all()

    assert after_retraction[len(after_batch) :] == [(STATUS_CHANGED, "volontarinsatser")]
    assert await announced(metrics_pool) == after_retraction


class BehindConsumer(LoneConsumer):
    """A consumer a few records short of the end of the partitions `behind`, as one is at many
    a moment of a steady stream."""

    def __init__(self, behind: frozenset[int]) -> None:
        super().__init__()
        self.behind = behind

    async def caught_up_partitions(self) -> frozenset[int]:
        return self.assignment.partitions - self.behind


def done_gauge(evaluator: KpiEvaluator, commitment: str) -> str | None:
    """The `lofte_commitment_done` sample of a commitment on the instance's /metrics."""
    text = exposition(tuple(evaluator.published.values())).decode()
    return next(
        (
            line
            for line in text.splitlines()
            if line.startswith("lofte_commitment_done{") and f'commitment="{commitment}"' in line
        ),
        None,
    )


async def test_a_partition_behind_keeps_its_gauges_and_announces_once_caught_up_with(
    metrics_pool: asyncpg.Pool, database_url: str
) -> None:
    consumer = BehindConsumer(frozenset({partition_of("volontarinsatser", 6)}))
    seconds = [0.0]
    evaluator = evaluator_over(consumer, metrics_pool, database_url, monotonic=lambda: seconds[0])
    await evaluator.evaluate_all()
    march = datetime(2017, 3, 6, 9, tzinfo=UTC)
    touched = await apply_batch(
        metrics_pool, [activity_completed("volontarinsatser", time=march) for _ in range(5)]
    )

    await evaluator.evaluate_all(catch_up=False, touched=touched)
    gauge_before_due = done_gauge(evaluator, "volontarinsatser")
    seconds[0] += BEHIND_SECONDS  # a backlog's gauges are brought up to date this often
    await evaluator.evaluate_all(catch_up=False, touched=NOTHING_TOUCHED)
    gauge_while_behind = done_gauge(evaluator, "volontarinsatser")
    announced_while_behind = await announced(metrics_pool)
    ledger_while_behind = await ledger(metrics_pool, "lund-2017")
    consumer.behind = frozenset()
    await evaluator.evaluate_all(catch_up=False, touched=NOTHING_TOUCHED)
    announced_once_caught_up = await announced(metrics_pool)
    await evaluator.evaluate_all()  # all of them again: nothing left to say

    assert gauge_before_due is not None
    assert gauge_before_due.endswith(" 0.0")
    assert gauge_while_behind is not None
    assert gauge_while_behind.endswith(" 5.0")
    assert not any(subject == "volontarinsatser" for _, subject in announced_while_behind)
    assert "volontarinsatser" not in ledger_while_behind["commitments"]
    new = announced_once_caught_up[len(announced_while_behind) :]
    assert (STATUS_CHANGED, "volontarinsatser") in new
    assert await announced(metrics_pool) == announced_once_caught_up


async def test_a_batch_another_instance_applied_is_announced_by_the_owner_without_its_timer(
    metrics_pool: asyncpg.Pool, database_url: str
) -> None:
    evaluator = evaluator_over(CaughtUpConsumer(), metrics_pool, database_url, 3600)
    before = await announced(metrics_pool)
    running = [asyncio.create_task(evaluator.run()), asyncio.create_task(evaluator.events.listen())]
    try:
        first_word = await eventually(
            lambda: announced(metrics_pool), lambda a: len(a) > len(before)
        )
        await eventually(lambda: ledger(metrics_pool, "lund-2017"), lambda told: bool(told))
        march = datetime(2017, 3, 6, 9, tzinfo=UTC)
        five = [activity_completed("volontarinsatser", time=march) for _ in range(5)]
        await apply_batch(metrics_pool, five, instance="another")
        after = await eventually(
            lambda: announced(metrics_pool),
            lambda a: (STATUS_CHANGED, "volontarinsatser") in a[len(first_word) :],
            within=15,
        )
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    assert (STATUS_CHANGED, "volontarinsatser") in after[len(first_word) :]
