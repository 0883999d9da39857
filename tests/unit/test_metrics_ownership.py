"""Which instance owns which KPI: by the partition its key maps to, as the producer maps it."""

import asyncio
from datetime import UTC, datetime

from aiokafka import TopicPartition
from aiokafka.partitioner import DefaultPartitioner

from services.metrics.domain.announced import Announced, AnnouncedCommitment, AnnouncedOutcome
from services.metrics.domain.engine import evaluate
from services.metrics.ownership import NOTHING, Owned, everything, partition_of
from shared.contracts.kpis import Status
from shared.messaging.assignment import Assignment
from shared.promises import default_promises

LUND = default_promises()[0]
AT = datetime(2017, 6, 1, tzinfo=UTC)


def test_a_kpi_belongs_to_the_partition_its_events_are_produced_to() -> None:
    partitions = list(range(6))
    for commitment in LUND.commitments:
        produced_to = DefaultPartitioner()(commitment.id.encode(), partitions, partitions)
        assert partition_of(commitment.id, 6) == produced_to


def test_instances_that_share_the_partitions_own_every_kpi_once() -> None:
    kpis = evaluate(LUND, [], AT)
    shares = [Owned(6, frozenset({0, 3})), Owned(6, frozenset({1, 4})), Owned(6, frozenset({2, 5}))]
    owned = [share.only(kpis) for share in shares]
    commitments = sorted(kpi.id for share in owned for kpi in share.commitments)
    outcomes = sorted(kpi.id for share in owned for kpi in share.outcomes)
    assert commitments == sorted(kpi.id for kpi in kpis.commitments)
    assert outcomes == sorted(kpi.id for kpi in kpis.outcomes)
    assert all(share.commitments for share in owned)  # the load is spread


def test_an_instance_that_owns_nothing_announces_and_exports_nothing() -> None:
    kpis = NOTHING.only(evaluate(LUND, [], AT))
    assert (kpis.commitments, kpis.outcomes) == ((), ())


def test_a_ledger_keeps_what_other_owners_told() -> None:
    mine = Owned(6, frozenset({partition_of("sno-mote", 6)}))
    theirs = next(c.id for c in LUND.commitments if not mine.owns(c.id))
    indicator = next(o.id for o in LUND.outcome_indicators if not mine.owns(o.id))
    previous = Announced(
        commitments={
            theirs: AnnouncedCommitment(Status.BEHIND),
            "sno-mote": AnnouncedCommitment(Status.BEHIND),
        },
        outcomes={indicator: AnnouncedOutcome(Status.ON_TRACK, 3.0)},
    )
    told = Announced(commitments={"sno-mote": AnnouncedCommitment(Status.ON_TRACK)})

    kept = previous.updated(told, mine.owns)

    assert kept.commitments == {
        theirs: AnnouncedCommitment(Status.BEHIND),
        "sno-mote": AnnouncedCommitment(Status.ON_TRACK),
    }
    assert kept.outcomes == previous.outcomes


def test_a_round_that_evaluated_some_kpis_keeps_the_ledgers_word_on_the_others() -> None:
    mine = everything(6)
    previous = Announced(
        commitments={
            "sno-mote": AnnouncedCommitment(Status.BEHIND),
            "volontarinsatser": AnnouncedCommitment(Status.BEHIND),
        },
        outcomes={"skadegorelse": AnnouncedOutcome(Status.ON_TRACK, 3.0)},
    )
    told = Announced(commitments={"volontarinsatser": AnnouncedCommitment(Status.ACHIEVED)})

    kept = previous.updated(told, lambda item: mine.owns(item) and item == "volontarinsatser")

    assert kept.commitments == {
        "sno-mote": AnnouncedCommitment(Status.BEHIND),
        "volontarinsatser": AnnouncedCommitment(Status.ACHIEVED),
    }
    assert kept.outcomes == previous.outcomes
    assert previous.updated(told, mine.owns).commitments == told.commitments  # all evaluated


def test_a_lone_instance_owns_everything() -> None:
    kpis = evaluate(LUND, [], AT)
    assert everything(6).only(kpis) == kpis


async def test_a_revocation_waits_for_what_the_owner_is_doing_for_its_partitions() -> None:
    assignment = Assignment("topic")
    taken_up: list[int] = []
    assignment.when_assigned(lambda: taken_up.append(assignment.generation))
    await assignment.on_partitions_assigned({TopicPartition("topic", 0), TopicPartition("x", 1)})
    forgotten: list[frozenset[int]] = []
    assignment.when_revoked(forgotten.append)

    async with assignment.lock:
        revoking = asyncio.create_task(
            assignment.on_partitions_revoked({TopicPartition("topic", 0)})
        )
        await asyncio.sleep(0.01)
        owned_meanwhile = assignment.partitions
    await revoking

    assert owned_meanwhile == frozenset({0})
    assert assignment.partitions == frozenset()
    assert forgotten == [frozenset({0})]
    assert assignment.generation == 1
    assert taken_up == [1]
