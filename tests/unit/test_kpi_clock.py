"""The clock: a simulated year of Lund evaluated week by week, as the service's timer does.

About a thousand events (SNÖ meetings, visits, walks, incidents, with the partners' late
reports, duplicates and retractions) and 52 evaluations, each over all of them. The test
asserts what must hold as time passes; an engine that re-read the events per rule, or per
slot, would make it crawl long before it failed.
"""

from datetime import date, datetime, timedelta
from functools import cache
from itertools import pairwise

from services.activities.domain import Catalogue, accept
from services.metrics.domain.engine import evaluate, evaluate_item, evaluate_log
from services.metrics.domain.fact_log import FactLog
from services.metrics.domain.facts import KnownEvent
from services.metrics.domain.kpis import PromiseKpis
from shared.contracts.cloudevents import parse_structured
from shared.contracts.errors import InvalidEvent
from shared.contracts.events import parse_data
from shared.contracts.kpis import Status
from simulator.stream import events_between
from tests.unit.lund_events import local, lund

NEW_YEAR = local(2017, 1, 1)
WEEKS = [NEW_YEAR + timedelta(weeks=n) for n in range(1, 53)]  # Sundays, 8 Jan to 31 Dec


@cache
def simulated_year() -> tuple[KnownEvent, ...]:
    """What the activities service would have accepted from the partners in 2017."""
    catalogue = Catalogue([lund()])
    accepted: list[KnownEvent] = []
    for document in events_between(NEW_YEAR, local(2018, 1, 1), seed=2017):
        envelope = parse_structured(document)
        try:
            accept(envelope, envelope.time, catalogue)
        except InvalidEvent:
            continue
        accepted.append(KnownEvent(envelope, parse_data(envelope)))
    return tuple(accepted)


@cache
def weekly() -> tuple[PromiseKpis, ...]:
    return tuple(evaluate(lund(), simulated_year(), at) for at in WEEKS)


def test_a_year_of_events_is_evaluated_every_week() -> None:
    assert 800 < len(simulated_year()) < 1200
    assert [kpis.at for kpis in weekly()] == WEEKS


def test_missed_meetings_once_missed_stay_missed_and_new_slots_fall_due_weekly() -> None:
    slots: list[int] = []
    missed: list[set[date]] = []
    for kpis in weekly():
        sno = kpis.commitment("sno-mote")
        assert sno is not None
        assert sno.slots_due is not None
        slots.append(sno.slots_due)
        missed.append(set(sno.missed_slots))

    assert slots == sorted(slots)
    assert slots[-1] == 43
    assert all(before <= after for before, after in pairwise(missed))
    assert missed[-1]  # the simulator skips about one Monday in seven


def test_gaps_only_grow_and_the_current_month_is_never_a_gap() -> None:
    seen: set[tuple[str, ...]] = set()
    for kpis, at in zip(weekly(), WEEKS, strict=True):
        visits = kpis.commitment("motesplatser-besok")
        assert visits is not None
        gaps = {(g.period.start.isoformat(), *g.dimensions.values()) for g in visits.gaps}
        assert seen <= gaps
        seen = gaps
        assert all(g.period.end <= at.date() for g in visits.gaps)
        assert visits.cells == 120


def test_at_the_end_of_the_year_every_commitment_has_a_status() -> None:
    closing = evaluate(lund(), simulated_year(), local(2018, 1, 2), period_of=date(2017, 12, 31))
    statuses = {kpi.id: kpi.status for kpi in closing.commitments}

    assert Status.NOT_STARTED not in statuses.values()
    assert statuses["ungdomsdialoger-motesplatser"] is Status.MISSED  # the simulator holds none
    assert statuses["klotter-folder"] is Status.ON_TRACK  # no due date, not delivered
    drugs = closing.outcome("narkotikabrott-upptackt")
    assert drugs is not None
    assert drugs.value is not None
    assert 100 <= drugs.value <= 300


def test_evaluating_is_the_same_whenever_the_events_arrive() -> None:
    at: datetime = WEEKS[30]

    assert evaluate(lund(), reversed(simulated_year()), at) == weekly()[30]


def test_one_item_evaluated_alone_is_that_item_of_the_whole_promise() -> None:
    promise = lund()
    log = FactLog(promise.zone)
    log.add(simulated_year())
    items = [c.id for c in promise.commitments] + [i.id for i in promise.outcome_indicators]

    for at, period_of in ((WEEKS[30], None), (local(2018, 1, 2), date(2017, 12, 31))):
        whole = evaluate_log(promise, log, at, period_of=period_of)
        alone = {item: evaluate_item(promise, log, at, item, period_of=period_of) for item in items}
        assert alone == {item: whole.commitment(item) or whole.outcome(item) for item in items}
    assert evaluate_item(promise, log, WEEKS[30], "no-such-commitment") is None
