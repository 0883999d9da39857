"""Which KPIs this instance announces and exports: those whose partition it owns.

Every KPI (a commitment or an outcome indicator of a promise) belongs to one partition of the
activities topic: the one its key maps to with Kafka's default partitioner. A commitment's key
is its id, the key its events carry, so its owner consumes them itself; an indicator's key is
its id. The instance the consumer group gives that partition is the KPI's owner: it alone
announces the KPI's changes (the clock-driven ones included) and exports its gauges.

It does so only for partitions it has claimed in the database. A claim bumps the partition's
epoch in `partition_owners`; an announcement is written, and a gauge exported, only from a
transaction that still finds the epoch claimed, and holds that row while it writes. An
instance that lost a partition without hearing of it (cut off from Kafka, not from
PostgreSQL) is so fenced off as soon as the new owner has claimed it.

Announcements wait until the owner has caught up with the partition: a change announced from
half a backlog could be taken back a moment later. The gauges do not wait: they show the state
as applied, which is the freshest there is, and a partition a few records behind (as one is
at many a moment of a steady stream) keeps its series.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from aiokafka.partitioner import murmur2

from services.metrics import repository
from services.metrics.domain.kpis import PromiseKpis
from shared.db import Connection
from shared.messaging.assignment import Assignment


def partition_of(key: str, partitions: int) -> int:
    """The partition Kafka's default partitioner gives records with this key."""
    hashed: int = murmur2(key.encode())
    return (hashed & 0x7FFFFFFF) % partitions


@dataclass(frozen=True, slots=True)
class Owned:
    """The partitions this instance may act for now, of `partitions` in all."""

    partitions: int
    mine: frozenset[int]

    def owns(self, item_id: str) -> bool:
        return self.partitions > 0 and partition_of(item_id, self.partitions) in self.mine

    def within(self, partitions: frozenset[int]) -> "Owned":
        return Owned(self.partitions, self.mine & partitions)

    def only(self, kpis: PromiseKpis) -> PromiseKpis:
        """The KPIs of a promise that are this instance's."""
        return replace(
            kpis,
            commitments=tuple(kpi for kpi in kpis.commitments if self.owns(kpi.id)),
            outcomes=tuple(kpi for kpi in kpis.outcomes if self.owns(kpi.id)),
        )


NOTHING = Owned(0, frozenset())


def everything(partitions: int = 1) -> Owned:
    """What a lone instance owns: every partition (tests, tools)."""
    return Owned(partitions, frozenset(range(partitions)))


class Consumed(Protocol):
    """How far the consumer of the activities topic has read (`shared.messaging.progress`),
    as far as ownership needs it."""

    topic: str

    async def caught_up_partitions(self) -> frozenset[int]: ...

    def partition_count(self) -> int | None: ...


class Claims:
    """This instance's claims on the partitions the consumer group assigned it."""

    def __init__(self, consumed: Consumed, assignment: Assignment, owner: str) -> None:
        self._consumed = consumed
        self._owner = owner
        self._epochs: dict[int, int] = {}
        self._generation = 0
        self.assignment = assignment

    async def caught_up(self) -> frozenset[int]:
        return await self._consumed.caught_up_partitions()

    def assigned(self) -> Owned:
        """The partitions the group gave this instance, claimed or not: what it may own by
        its next evaluation."""
        count = self._consumed.partition_count() or 0
        return Owned(count, self.assignment.partitions) if count else NOTHING

    async def held(self, connection: Connection) -> dict[int, int]:
        """The claims on the assigned partitions, by partition: their epochs. After each
        rebalance the assigned partitions are claimed anew. Call with the assignment's lock."""
        if self._generation != self.assignment.generation:
            generation = self.assignment.generation
            self._epochs = await repository.claim(
                connection, self._consumed.topic, self.assignment.partitions, self._owner
            )
            self._generation = generation
        assigned = self.assignment.partitions
        return {p: epoch for p, epoch in self._epochs.items() if p in assigned}

    async def standing(
        self, connection: Connection, held: dict[int, int], caught_up: frozenset[int], at: datetime
    ) -> Owned:
        """Of the claims `held`, those still standing, held so until the caller's transaction
        ends; those also `caught_up` with are marked evaluated as of `at`."""
        if not held:
            return NOTHING
        mine = await repository.standing(connection, self._consumed.topic, held, caught_up, at)
        count = self._consumed.partition_count() or 0
        return Owned(count, mine) if mine and count else NOTHING
