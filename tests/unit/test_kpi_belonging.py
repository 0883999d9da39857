"""An event counts only towards the promise it belongs to, as the activities service placed it.

Tried as a new user would: a copy of Lund 2017 deployed as `lund-kopia`, and the only event
in the register an `activity.completed` for `volontarinsatser` naming `lund-kopia`. It
counted in the copy and in Lund 2017 alike.
"""

from datetime import date, datetime
from typing import Any

import pytest

from services.metrics.domain.belonging import by_day
from services.metrics.domain.engine import evaluate
from services.metrics.domain.fact_log import FactLog
from services.metrics.domain.facts import Fact, KnownEvent
from shared.contracts.events import ActivityCompleted
from shared.contracts.kpis import Status
from shared.promises import Promise
from tests.unit.lund_events import activity, commitment_of, local, lund

VOLUNTEERS = "volontarinsatser"  # at least 5 a year, police only
IN_JUNE = local(2017, 6, 1)


def copy_of_lund(promise_id: str = "lund-kopia", **fields: Any) -> Promise:
    return Promise.model_validate({**lund().model_dump(), "id": promise_id, **fields})


def operation(when: datetime, promise: str | None = None) -> KnownEvent:
    return activity(VOLUNTEERS, when, organisations=("polisen",), promise=promise)


def done_in(promise: Promise, events: list[KnownEvent], deployed: list[Promise]) -> int:
    kpis = evaluate(promise, events, IN_JUNE, promises=deployed)
    return commitment_of(kpis, VOLUNTEERS).done


def test_an_event_naming_the_copy_counts_in_the_copy_only() -> None:
    kopia = copy_of_lund()
    events = [operation(local(2017, 5, 26, 18), promise="lund-kopia")]

    assert done_in(kopia, events, [lund(), kopia]) == 1
    assert done_in(lund(), events, [lund(), kopia]) == 0
    # Lund's own KPIs need no list of the others to leave out what names another promise.
    assert commitment_of(evaluate(lund(), events, IN_JUNE), VOLUNTEERS).done == 0


def test_an_event_naming_lund_counts_in_lund_only() -> None:
    kopia = copy_of_lund()
    events = [operation(local(2017, 5, 26, 18), promise="lund-2017")]

    assert done_in(lund(), events, [lund(), kopia]) == 1
    assert done_in(kopia, events, [lund(), kopia]) == 0


def test_an_event_naming_no_promise_counts_where_only_one_holds_its_commitment() -> None:
    # The copy ended with April: in May only Lund 2017 holds the commitment.
    kopia = copy_of_lund(valid_to=date(2017, 4, 30))
    events = [operation(local(2017, 4, 12, 18)), operation(local(2017, 5, 26, 18))]

    assert done_in(lund(), events, [lund(), kopia]) == 1
    assert done_in(lund(), events, [lund()]) == 2
    assert commitment_of(evaluate(kopia, events, local(2017, 4, 30, 12)), VOLUNTEERS).done == 1


def test_an_event_two_promises_in_force_could_hold_counts_in_neither() -> None:
    # The activities service refuses it ("name the promise"): it was never placed.
    kopia = copy_of_lund()
    events = [operation(local(2017, 5, 26, 18))]

    assert done_in(lund(), events, [lund(), kopia]) == 0
    assert done_in(kopia, events, [lund(), kopia]) == 0


def test_five_operations_of_the_copy_achieve_the_copy_and_leave_lund_behind() -> None:
    kopia = copy_of_lund()
    events = [operation(local(2017, 4, day, 18), promise="lund-kopia") for day in range(3, 8)]

    copy_kpi = commitment_of(evaluate(kopia, events, IN_JUNE, promises=[lund(), kopia]), VOLUNTEERS)
    lund_kpi = commitment_of(
        evaluate(lund(), events, IN_JUNE, promises=[lund(), kopia]), VOLUNTEERS
    )

    assert (copy_kpi.done, copy_kpi.status) == (5, Status.ACHIEVED)
    assert (lund_kpi.done, lund_kpi.status) == (0, Status.BEHIND)


@pytest.mark.parametrize("days", [[], [3], [3, 4], [1, 2, 4], [2, 3, 5]])
def test_a_day_at_a_time_keeps_exactly_the_facts_of_the_days_taken(days: list[int]) -> None:
    log = FactLog(lund().zone)
    log.add(operation(local(2017, 4, day, hour)) for day in range(1, 6) for hour in (9, 18))
    facts = log.facts_at(IN_JUNE).activities_of(VOLUNTEERS)

    def taken(fact: Fact[ActivityCompleted]) -> bool:
        return fact.day.day in days

    assert list(by_day(facts, taken)) == [f for f in facts if taken(f)]
