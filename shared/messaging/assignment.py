"""Which partitions of a topic this instance owns now, as the consumer group's rebalances say.

Kafka calls `on_partitions_revoked` on every member of a group before it calls any member's
`on_partitions_assigned`. Whatever an owner does for its partitions (announce the KPIs they
carry) it does holding `lock`, and a revocation waits for that lock: so two instances never
act for one partition at the same time, whatever the number of instances. Each assignment
bumps `generation`, so that work done once per assignment (loading state, claiming the
partitions in the database) is done again after every rebalance, even one that hands the
same partitions back.
"""

import asyncio
import logging
from collections.abc import Callable

from aiokafka import ConsumerRebalanceListener, TopicPartition

log = logging.getLogger(__name__)


class Assignment(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, topic: str) -> None:
        self.topic = topic
        self.partitions: frozenset[int] = frozenset()
        self.generation = 0
        self.lock = asyncio.Lock()
        self._on_revoked: list[Callable[[frozenset[int]], None]] = []
        self._on_assigned: list[Callable[[], None]] = []

    def when_revoked(self, forget: Callable[[frozenset[int]], None]) -> None:
        """Have `forget` called with the partitions this instance no longer owns."""
        self._on_revoked.append(forget)

    def when_assigned(self, take_up: Callable[[], None]) -> None:
        """Have `take_up` called after each assignment, to act for the new partitions soon."""
        self._on_assigned.append(take_up)

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        gone = frozenset(tp.partition for tp in revoked if tp.topic == self.topic)
        async with self.lock:
            self.partitions -= gone
        for forget in self._on_revoked:
            forget(gone)
        if gone:
            log.info("%s: partitions %s revoked", self.topic, sorted(gone))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self.partitions = frozenset(tp.partition for tp in assigned if tp.topic == self.topic)
        self.generation += 1
        log.info("%s: partitions %s assigned", self.topic, sorted(self.partitions))
        for take_up in self._on_assigned:
            take_up()
