"""How far a consumer has read the partitions assigned to it: whether it is caught up, and
its lag on `/metrics`.

What it asks Kafka goes through `Positions`, the three questions aiokafka's consumer
answers (what is assigned, where each partition ends, how far it was read), so that the
rules here are tested without a broker and the consumer is reached in one place only.
"""

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError
from prometheus_client import Gauge

log = logging.getLogger(__name__)

# A partition is caught up once it was read as far as it reached this long before: under a
# steady stream, the ends seen a few milliseconds earlier are a record or two away at any
# moment, and a consumer compared with them would seldom count as caught up at all.
MOMENT_SECONDS = 0.5
# How old the latest answer to where the partitions end may be before Kafka is asked again.
# Under a stream the evaluator asks many times a second, and each question waits its turn
# behind the consumer's fetch on the same connection.
ASK_EVERY_SECONDS = 0.2

Ends = dict[TopicPartition, int]


class Positions(Protocol):
    def assignment(self) -> set[TopicPartition]: ...

    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]: ...

    async def position(self, partition: TopicPartition) -> int: ...

    def partitions_for_topic(self, topic: str) -> set[int] | None: ...


class GroupConsumer(Positions, Protocol):
    async def committed(self, partition: TopicPartition) -> int | None: ...


class HandledPositions:
    """A consumer's answers, except that a partition counts as read only as far as its
    batches were handled (applied, or dead-lettered, and committed): a batch fetched and
    still being applied is not read yet, so whoever waits to be caught up waits for it."""

    def __init__(self, consumer: GroupConsumer, handled: dict[TopicPartition, int]) -> None:
        self._consumer = consumer
        self._handled = handled

    def assignment(self) -> set[TopicPartition]:
        return self._consumer.assignment()

    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        return await self._consumer.end_offsets(partitions)

    async def position(self, partition: TopicPartition) -> int:
        handled = self._handled.get(partition)
        if handled is not None:
            return handled
        # Nothing handled since it was assigned: as far as the group committed before.
        return await self._consumer.committed(partition) or 0

    def partitions_for_topic(self, topic: str) -> set[int] | None:
        return self._consumer.partitions_for_topic(topic)


class Progress:
    def __init__(
        self,
        topic: str,
        lag: Gauge,
        positions: Callable[[], Positions | None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.topic = topic
        self._lag = lag
        # None until the consumer runs (and again once it stopped).
        self._positions = positions
        self._clock = clock
        # The ends seen at the questions of the last moment, and at the latest before it.
        self._ends_seen: deque[tuple[float, Ends]] = deque()

    async def caught_up(self) -> bool:
        """Whether every assigned partition is caught up (see `caught_up_partitions`)."""
        positions = self._positions()
        assigned = {tp.partition for tp in positions.assignment()} if positions else set()
        return bool(assigned) and await self.caught_up_partitions() == assigned

    async def caught_up_partitions(self) -> frozenset[int]:
        """The assigned partitions this consumer has processed everything of that they held
        a moment ago: at the latest question at least `MOMENT_SECONDS` before this one (else
        the earliest one since; the first time, now). Kafka is asked where they end at most
        every `ASK_EVERY_SECONDS`.

        Until then, state built from a partition is incomplete: a consumer catching up after
        downtime must not make anyone announce that something never happened. Comparing with
        the ends seen a moment before rather than with today's keeps a consumer of a steady
        stream, always a few records short of the end, counted as live. While Kafka cannot
        say (it is away), none is.
        """
        positions = self._positions()
        assigned = list(positions.assignment()) if positions else []
        if positions is None or not assigned:
            return frozenset()
        caught_up = set()
        try:
            ends = await self._ends_a_moment_before(positions, assigned)
            for partition in assigned:
                if await positions.position(partition) >= ends[partition]:
                    caught_up.add(partition.partition)
        except KafkaError as error:
            log.warning("how far %s has been read is not known now: %s", self.topic, error)
            return frozenset()
        return frozenset(caught_up)

    async def _ends_a_moment_before(
        self, positions: Positions, assigned: list[TopicPartition]
    ) -> Ends:
        """The ends the assigned partitions are to be read up to now (a partition not seen a
        moment before: as it ends now)."""
        now = self._clock()
        seen = self._ends_seen
        latest = seen[-1] if seen else None
        if (
            latest is None
            or now - latest[0] >= ASK_EVERY_SECONDS
            or not all(partition in latest[1] for partition in assigned)
        ):
            seen.append((now, await positions.end_offsets(assigned)))
        while len(seen) > 1 and seen[1][0] <= now - MOMENT_SECONDS:
            seen.popleft()  # a later one is a moment old too
        before, latest_ends = seen[0][1], seen[-1][1]
        return {p: before.get(p, latest_ends[p]) for p in assigned}

    def partition_count(self) -> int | None:
        """How many partitions the topic has, as the consumer's metadata last said."""
        positions = self._positions()
        found = positions.partitions_for_topic(self.topic) if positions else None
        return len(found) if found else None

    async def report_lag(self) -> None:
        """Export the lag of every assigned partition: end offset minus position."""
        positions = self._positions()
        assigned = list(positions.assignment()) if positions else []
        if positions is None or not assigned:
            return
        ends = await positions.end_offsets(assigned)
        for partition in assigned:
            lag = max(ends[partition] - await positions.position(partition), 0)
            self._lag.labels(self.topic, str(partition.partition)).set(lag)

    async def watch_lag(self, every_seconds: float = 5.0) -> None:
        """Report lag until cancelled, on a timer rather than after batches: a stuck consumer
        processes no batch, and its lag must still be seen to grow. A failed look-up (Kafka
        away) just waits for the next."""
        while True:
            try:
                await self.report_lag()
            except Exception as error:
                log.debug("lag of %s not known now: %s", self.topic, error)
            await asyncio.sleep(every_seconds)

    def forget_lag(self, revoked: frozenset[int]) -> None:
        # Another instance reports these partitions now: two series for one would add up.
        for partition in revoked:
            with contextlib.suppress(KeyError):
                self._lag.remove(self.topic, str(partition))
