"""Which KPIs a batch of events can change: a round after a batch evaluates only those, so
every KPI an event changes must be among them."""

from datetime import UTC, date, datetime
from typing import Any

from services.metrics.domain.engine import evaluate
from services.metrics.domain.facts import KnownEvent
from services.metrics.domain.touched import EVERYTHING, NOTHING_TOUCHED, Touched
from services.metrics.handlers import decode
from shared.promises import default_promises
from tests.factories import (
    activity_completed,
    deliverable_completed,
    event,
    event_retracted,
    explanation_published,
    incident_recorded,
)

LUND = default_promises()[0]
AT = datetime(2017, 6, 1, tzinfo=UTC)
MARCH = datetime(2017, 3, 6, 9, tzinfo=UTC)
ITEMS = [c.id for c in LUND.commitments] + [i.id for i in LUND.outcome_indicators]


def known(*documents: dict[str, Any]) -> list[KnownEvent]:
    return [decode(event(document)) for document in documents]


def touched_kpis(events: list[KnownEvent], *, retracting: bool = False) -> set[str]:
    touches = Touched.by([e.data for e in events], retracting=retracting).kpis_of(LUND)
    return {item for item in ITEMS if touches(item)}


def changed_kpis(events: list[KnownEvent]) -> set[str]:
    """The KPIs whose evaluation the events change, of a promise that had none."""
    before, after = evaluate(LUND, [], AT), evaluate(LUND, events, AT)
    commitments = zip(before.commitments, after.commitments, strict=True)
    outcomes = zip(before.outcomes, after.outcomes, strict=True)
    return {old.id for old, new in commitments if old != new} | {
        old.id for old, new in outcomes if old != new
    }


def survey_published(indicator: str, value: float) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": f"survey-{indicator}-{value}",
        "source": "urn:lofte:partner:polisen-test",
        "type": "survey.published",
        "time": datetime(2017, 5, 2, 10, tzinfo=UTC).isoformat(),
        "data": {
            "indicator": indicator,
            "area": "Lund",
            "period": {"start": "2017-01-01", "end": "2017-03-31"},
            "value": value,
        },
    }


def test_an_activity_touches_its_commitment_and_the_indicators_that_count_it() -> None:
    events = known(*(activity_completed("ungdomsdialoger-natet", time=MARCH) for _ in range(3)))

    assert touched_kpis(events) == {"ungdomsdialoger-natet", "ungas-inflytande"}
    assert changed_kpis(events) == {"ungdomsdialoger-natet", "ungas-inflytande"}


def test_every_kpi_an_activity_changes_is_touched_whatever_its_commitment() -> None:
    for commitment in LUND.commitments:
        events = known(
            *(
                activity_completed(commitment.id, time=MARCH, event_id=f"{commitment.id}-{n}")
                for n in range(3)
            )
        )
        assert changed_kpis(events) <= touched_kpis(events), commitment.id
        assert commitment.id in touched_kpis(events)


def test_an_incident_touches_what_reads_incidents_and_no_other_commitment() -> None:
    events = known(incident_recorded("narkotika.bruk"))

    assert touched_kpis(events) == {
        "narkotikabrott-upptackt",
        "narkotikabrott-unga",
        "skadegorelse",
    }
    assert changed_kpis(events) <= touched_kpis(events)
    assert "narkotikabrott-upptackt" in changed_kpis(events)


def test_a_survey_touches_the_indicators_measured_by_its_name_only() -> None:
    events = known(survey_published("trygghetsmatning-vuxennarvaro", 3.5))

    assert touched_kpis(events) == {"vuxennarvaro"}
    assert changed_kpis(events) == {"vuxennarvaro"}


def test_deliverables_and_explanations_touch_their_commitment() -> None:
    delivered = known(deliverable_completed("klotter-folder"))
    explained = known(
        explanation_published("volontarinsatser", (date(2017, 1, 1), date(2018, 1, 1)), time=MARCH)
    )

    assert touched_kpis(delivered) == {"klotter-folder"}
    assert touched_kpis(explained) == {"volontarinsatser"}


def test_a_retraction_touches_what_its_event_touched_once_that_is_known() -> None:
    activity = activity_completed("sno-mote", time=MARCH)
    retraction = known(event_retracted(activity, time=MARCH))

    assert touched_kpis(retraction) == set(ITEMS)  # alone, it could undo anything
    assert touched_kpis(retraction, retracting=True) == set()
    assert touched_kpis([*retraction, *known(activity)], retracting=True) == {"sno-mote"}


def test_touches_add_up() -> None:
    activity = Touched.by(e.data for e in known(activity_completed("sno-mote")))
    incident = Touched.by(e.data for e in known(incident_recorded()))

    assert activity | incident == Touched(frozenset({"sno-mote"}), incidents=True)
    assert touched_kpis([]) == set()
    assert not NOTHING_TOUCHED
    assert all(map(EVERYTHING.kpis_of(LUND), ITEMS))
