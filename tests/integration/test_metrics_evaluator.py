"""The metrics service's evaluator outlives whatever fails in one round: a round that cannot
finish is tried again on the next tick, it never ends the announcements for good; and a round
that waited long for Kafka is not followed by a rest as long as the wait."""

import asyncio

import asyncpg
from aiokafka.errors import KafkaTimeoutError

from services.metrics.bucket_cache import BucketCache
from services.metrics.evaluator import KpiEvaluator
from services.metrics.ownership import Claims
from services.metrics.shared_events import SharedEvents
from shared.messaging.assignment import Assignment
from shared.promises import default_promises, school_holiday_calendars
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


def evaluator_over(
    consumer: LoneConsumer, metrics_pool: asyncpg.Pool, database_url: str
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
        interval_seconds=0.05,
        claims=Claims(consumer, consumer.assignment, "test"),
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
