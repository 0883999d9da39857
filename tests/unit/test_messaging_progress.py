"""How far a consumer has read (`shared.messaging.progress`): when it counts as caught up (the
evaluator announces nothing until it is), and its lag series."""

from dataclasses import dataclass

from aiokafka import TopicPartition
from prometheus_client import CollectorRegistry

from shared.messaging.consumer import ConsumerMetrics
from shared.messaging.progress import HandledPositions, Progress


@dataclass
class Partitions:
    """What aiokafka's consumer tells of one partition: its end and our position."""

    end: int = 0
    read_up_to: int = 0

    def assignment(self) -> set[TopicPartition]:
        return {TopicPartition("t", 0)}

    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        return dict.fromkeys(partitions, self.end)

    async def position(self, _partition: TopicPartition) -> int:
        return self.read_up_to

    def partitions_for_topic(self, _topic: str) -> set[int] | None:
        return {0}


def consumer_over(partitions: Partitions, registry: CollectorRegistry | None = None) -> Progress:
    metrics = ConsumerMetrics(registry or CollectorRegistry())
    return Progress("t", metrics.lag, lambda: partitions)


async def test_a_consumer_with_a_backlog_is_behind_until_it_has_read_what_was_there() -> None:
    partitions = Partitions(end=10_000, read_up_to=0)
    consumer = consumer_over(partitions)
    assert not await consumer.caught_up()
    partitions.read_up_to, partitions.end = 6_000, 10_200
    assert not await consumer.caught_up()
    partitions.read_up_to, partitions.end = 10_250, 10_400  # past the 10,200 of the last ask
    assert await consumer.caught_up()


async def test_a_consumer_of_a_steady_stream_is_live_though_never_at_the_end() -> None:
    partitions = Partitions(end=100, read_up_to=100)
    consumer = consumer_over(partitions)
    assert await consumer.caught_up()
    for second in range(1, 5):  # 1,000 records a second arrive; it stays 20 behind
        partitions.end = 100 + 1_000 * second
        partitions.read_up_to = partitions.end - 20
        assert await consumer.caught_up()


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


async def test_asked_every_few_milliseconds_a_consumer_a_batch_short_of_a_stream_is_live() -> None:
    clock = Clock()
    partitions = Partitions(end=0, read_up_to=0)
    consumer = Progress("t", ConsumerMetrics(CollectorRegistry()).lag, lambda: partitions, clock)
    answers = []
    for ask in range(400):  # two seconds of questions every 5 ms; a record every 4 ms
        clock.now += 0.005
        partitions.end = int(ask * 5 / 4)
        partitions.read_up_to = max(partitions.end - 3, 0)  # its last batch still applying
        answers.append(await consumer.caught_up())

    assert all(answers[100:])


async def test_a_consumer_that_falls_further_behind_than_a_moment_is_not_caught_up() -> None:
    clock = Clock()
    partitions = Partitions(end=100, read_up_to=100)
    consumer = Progress("t", ConsumerMetrics(CollectorRegistry()).lag, lambda: partitions, clock)
    assert await consumer.caught_up()
    clock.now += 1.0
    partitions.end = 5_100  # a burst it has not applied yet
    assert await consumer.caught_up()  # what was there a moment ago, it has
    clock.now += 1.0
    partitions.read_up_to = 3_000
    assert not await consumer.caught_up()
    clock.now += 1.0
    partitions.read_up_to = 5_100
    assert await consumer.caught_up()


@dataclass
class CountedAsks(Partitions):
    asked: int = 0

    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        self.asked += 1
        return await super().end_offsets(partitions)


async def test_asked_many_times_a_second_kafka_is_asked_where_the_partitions_end_five_times() -> (
    None
):
    clock = Clock()
    partitions = CountedAsks(end=100, read_up_to=100)
    consumer = Progress("t", ConsumerMetrics(CollectorRegistry()).lag, lambda: partitions, clock)
    for _ in range(100):  # a second of rounds
        assert await consumer.caught_up()
        clock.now += 0.01

    assert partitions.asked == 5


@dataclass
class GrowingAssignment(CountedAsks):
    """Partitions 0 and 1 end at `end`; the group assigns `assigned` of them."""

    assigned: frozenset[int] = frozenset({0})

    def assignment(self) -> set[TopicPartition]:
        return {TopicPartition("t", p) for p in self.assigned}


async def test_a_partition_assigned_since_kafka_was_last_asked_is_asked_about_at_once() -> None:
    clock = Clock()
    partitions = GrowingAssignment(end=100, read_up_to=100)
    consumer = Progress("t", ConsumerMetrics(CollectorRegistry()).lag, lambda: partitions, clock)
    assert await consumer.caught_up_partitions() == {0}

    clock.now += 0.01
    partitions.assigned = frozenset({0, 1})
    caught_up = await consumer.caught_up_partitions()

    assert caught_up == {0, 1}
    assert partitions.asked == 2


async def test_a_quiet_consumer_at_the_end_is_caught_up_at_once() -> None:
    assert await consumer_over(Partitions(end=5, read_up_to=5)).caught_up()


async def test_a_stopped_consumer_is_not_caught_up() -> None:
    progress = Progress("t", ConsumerMetrics(CollectorRegistry()).lag, lambda: None)
    assert not await progress.caught_up()
    assert progress.partition_count() is None


async def test_lag_is_exported_per_partition_and_forgotten_when_the_partition_goes() -> None:
    registry = CollectorRegistry()
    progress = consumer_over(Partitions(end=120, read_up_to=100), registry)
    labels = {"topic": "t", "partition": "0"}

    await progress.report_lag()
    assert registry.get_sample_value("lofte_consumer_lag", labels) == 20
    progress.forget_lag(frozenset({0}))
    assert registry.get_sample_value("lofte_consumer_lag", labels) is None


@dataclass
class FetchingConsumer(Partitions):
    """A consumer that has fetched up to `read_up_to`, and whose group committed `committed`."""

    committed_offset: int | None = None

    async def committed(self, _partition: TopicPartition) -> int | None:
        return self.committed_offset


async def test_a_batch_fetched_but_still_being_applied_is_not_read_yet() -> None:
    fetched = FetchingConsumer(end=10, read_up_to=10, committed_offset=4)
    handled: dict[TopicPartition, int] = {}
    consumer = Progress(
        "t", ConsumerMetrics(CollectorRegistry()).lag, lambda: HandledPositions(fetched, handled)
    )

    before = await consumer.caught_up()  # fetched to the end; applied up to what was committed
    handled[TopicPartition("t", 0)] = 10  # its batch applied
    after = await consumer.caught_up()

    assert (before, after) == (False, True)
