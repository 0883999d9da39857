"""When a consumer counts as caught up: the evaluator announces nothing until it is."""

from dataclasses import dataclass
from typing import Any

from aiokafka import TopicPartition
from prometheus_client import CollectorRegistry

from shared.messaging.consumer import BatchConsumer, ConsumerMetrics


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


def consumer_over(partitions: Partitions) -> BatchConsumer[Any]:
    consumer: BatchConsumer[Any] = BatchConsumer(
        topic="t",
        group_id="g",
        pool=None,  # type: ignore[arg-type]
        decode=lambda record: record,
        apply=None,  # type: ignore[arg-type]
        dead_letters=None,  # type: ignore[arg-type]
        metrics=ConsumerMetrics(CollectorRegistry()),
    )
    consumer._subscriber = type("Subscriber", (), {"consumer": partitions})()
    return consumer


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


async def test_a_quiet_consumer_at_the_end_is_caught_up_at_once() -> None:
    assert await consumer_over(Partitions(end=5, read_up_to=5)).caught_up()
