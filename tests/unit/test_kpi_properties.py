"""The KPIs are a function of the set of events: order and repetition change nothing.

Partners send late, twice, and out of order, and Kafka redelivers; the metrics service may
see the same events in any order any number of times, and must show the same KPIs.
"""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.metrics.domain.engine import evaluate, evaluate_log
from services.metrics.domain.fact_log import FactLog
from services.metrics.domain.facts import KnownEvent, distinct
from services.metrics.domain.kpis import PromiseKpis
from tests.unit.lund_events import (
    KOMMUNEN,
    activity,
    deliverable,
    incident,
    local,
    lund,
    retraction,
    survey,
)

ALL = ("raddningstjansten", "kommunen", "polisen")
walk_retracted = activity("trygghetsvandringar-ungdomar", local(2017, 4, 12, 18), youths=3)
visit_retracted = activity(
    "motesplatser-besok", local(2017, 3, 8, 19), organisations=("polisen",), place="Ungdomens hus"
)
EVENTS: list[KnownEvent] = [
    activity("sno-mote", local(2017, 3, 6, 9)),
    activity("sno-mote", local(2017, 3, 13, 9)),
    activity("sno-mote", local(2017, 4, 17, 9)),  # the holiday itself: the slot moved
    activity("sno-mote", local(2017, 4, 18, 9)),
    walk_retracted,
    retraction(walk_retracted, local(2017, 4, 12, 19)),
    activity("trygghetsvandringar-ungdomar", local(2017, 5, 3, 18), organisations=ALL, youths=9),
    activity("trygghetsvandringar-ungdomar", local(2017, 5, 9, 18), organisations=ALL, youths=0),
    activity("handelsebaserade-trygghetsvandringar", local(2017, 4, 26, 18), event_id="w"),
    # A partner bug: another report under the same id. The earlier one is kept, always.
    activity("volontarinsatser", local(2017, 5, 26, 18), organisations=("polisen",), event_id="w"),
    activity(
        "handelsebaserade-trygghetsvandringar", local(2017, 6, 2, 18), event_id="w", source=KOMMUNEN
    ),
    visit_retracted,
    retraction(visit_retracted, local(2017, 3, 9)),
    activity(
        "motesplatser-besok",
        local(2017, 3, 9, 19),
        organisations=("polisen",),
        place="Ungdomens hus",
    ),
    activity(
        "motesplatser-besok", local(2017, 3, 20, 19), organisations=ALL, place="Ungdomens hus"
    ),
    activity("ungdomsdialoger-motesplatser", local(2017, 3, 23, 10), organisations=("kommunen",)),
    activity("foraldrar-facebook", local(2017, 3, 30, 20), organisations=("polisen",)),
    deliverable("klotter-folder", local(2017, 5, 2, 9)),
    deliverable("klotter-folder", local(2017, 4, 2, 9)),
    incident("narkotika.bruk", local(2016, 4, 10, 20), count=3),
    incident("narkotika.innehav", local(2017, 4, 10, 20)),
    incident("skadegorelse.klotter", local(2017, 4, 11, 2), age_band="okand"),
    survey(
        "trygghetsmatning-vuxennarvaro", date(2017, 3, 1), date(2017, 4, 30), 3.2, local(2017, 5, 5)
    ),
    survey(
        "trygghetsmatning-vuxennarvaro", date(2017, 3, 1), date(2017, 4, 30), 3.3, local(2017, 5, 9)
    ),
]
INSTANTS = [
    local(2017, 3, 21, 8),
    local(2017, 4, 21, 12),
    local(2017, 6, 30, 12),
    local(2018, 1, 2),
]


EXPECTED = {at: evaluate(lund(), EVENTS, at) for at in INSTANTS}


def ids(kpis: PromiseKpis) -> list[str]:
    return [c.id for c in kpis.commitments] + [o.id for o in kpis.outcomes]


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_any_order_and_any_repetition_of_the_same_events_gives_the_same_kpis(
    data: st.DataObject,
) -> None:
    repeated = data.draw(st.lists(st.sampled_from(EVENTS), max_size=12), label="sent again")
    arrived = data.draw(st.permutations([*EVENTS, *repeated]), label="arrival order")

    for at in INSTANTS:
        assert evaluate(lund(), arrived, at) == EXPECTED[at]


def test_the_reverse_arrival_order_gives_the_same_kpis() -> None:
    for at in INSTANTS:
        assert evaluate(lund(), reversed(EVENTS), at) == EXPECTED[at]


def test_the_events_above_exercise_what_the_property_is_about() -> None:
    kpis = evaluate(lund(), EVENTS, local(2017, 6, 30, 12))

    walks = kpis.commitment("trygghetsvandringar-ungdomar")
    same_id = kpis.commitment("handelsebaserade-trygghetsvandringar")
    not_kept = kpis.commitment("volontarinsatser")
    folder = kpis.commitment("klotter-folder")
    assert walks is not None
    assert walks.done == 1  # one retracted, one without youths
    assert same_id is not None
    assert same_id.done == 2  # polisen's "w" once (the earlier wins), kommunen's "w" too
    assert not_kept is not None
    assert not_kept.done == 0
    assert folder is not None
    assert folder.completed_at == local(2017, 4, 2, 9)


@settings(max_examples=40, deadline=None, database=None)
@given(wanted=st.sets(st.sampled_from([item for kpis in EXPECTED.values() for item in ids(kpis)])))
def test_the_kpis_an_instance_owns_are_the_same_evaluated_alone_as_in_the_whole(
    wanted: set[str],
) -> None:
    log = FactLog(lund().zone)
    log.add(distinct(EVENTS))
    for at, whole in EXPECTED.items():
        part = evaluate_log(lund(), log, at, wanted=wanted.__contains__)

        assert ids(part) == [item for item in ids(whole) if item in wanted]
        assert part.commitments == tuple(c for c in whole.commitments if c.id in wanted)
        assert part.outcomes == tuple(o for o in whole.outcomes if o.id in wanted)
