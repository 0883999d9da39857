"""The KPI API's contract (`shared.contracts.kpis`): what the metrics service serves parses
back as the same models, every status the engine can report is one the KPI events name, and
the OpenAPI document describes the answers."""

from datetime import UTC, date, datetime

from fastapi import FastAPI

from services.metrics.api import router
from services.metrics.domain.engine import evaluate
from services.metrics.domain.facts import KnownEvent
from services.metrics.kpi_views import promise_view
from shared.contracts.cloudevents import parse_structured
from shared.contracts.events import parse_data, parse_typed
from shared.contracts.kpi_events import KPI_EVENT_TYPES, CommitmentStatusChanged, PeriodSpan
from shared.contracts.kpis import PromiseKpisView, Status
from shared.promises import default_promises
from tests.factories import activity_completed, incident_recorded

AT = datetime(2017, 6, 1, 10, tzinfo=UTC)


def known(document: dict[str, object]) -> KnownEvent:
    event = parse_structured(document)
    return KnownEvent(event, parse_data(event))


def served() -> PromiseKpisView:
    lund = default_promises()[0]
    events = [
        known(activity_completed("volontarinsatser", time=datetime(2017, 5, 2, 18, tzinfo=UTC))),
        known(incident_recorded()),
    ]
    return promise_view(evaluate(lund, events, AT, promises=default_promises()))


def test_what_is_served_parses_back_as_the_same_kpis() -> None:
    view = served()
    wire = view.model_dump_json()

    assert PromiseKpisView.model_validate_json(wire) == view
    volunteers = view.commitment("volontarinsatser")
    assert volunteers is not None
    assert volunteers.done == 1
    assert any(outcome.baseline_total for outcome in view.outcomes)


def test_an_answer_with_fields_added_later_is_read_as_before() -> None:
    """A metrics instance upgraded before the digest and the public site may answer with
    fields they do not know yet: they read what they know."""
    view = served()
    wire = view.model_dump(mode="json")
    wire["trend"] = "new at the top"
    for kpi in (*wire["commitments"], *wire["outcomes"]):
        kpi["confidence"] = 0.9
    wire["commitments"][0]["period"]["label"] = "2017"

    assert PromiseKpisView.model_validate(wire) == view


def test_a_kpi_event_with_fields_added_later_is_read_as_before() -> None:
    changed = CommitmentStatusChanged(
        promise="lund-2017",
        commitment="volontarinsatser",
        focus_area="trygghet",
        organisations=["polisen"],
        old_status=Status.ON_TRACK,
        new_status=Status.AT_RISK,
        period=PeriodSpan(start=date(2017, 1, 1), end=date(2018, 1, 1)),
    )
    wire = changed.model_dump(mode="json") | {"severity": "high"}
    wire["period"]["label"] = "2017"

    assert parse_typed(changed.TYPE, changed.VERSION, wire, KPI_EVENT_TYPES) == changed


def test_times_are_written_as_they_always_were() -> None:
    assert served().model_dump(mode="json")["at"] == AT.isoformat()


def test_the_api_and_the_kpi_events_write_a_status_by_its_name() -> None:
    changed = CommitmentStatusChanged(
        promise="lund-2017",
        commitment="volontarinsatser",
        focus_area="trygghet",
        organisations=["polisen"],
        old_status=None,
        new_status=Status.AT_RISK,
        period=PeriodSpan(start=date(2017, 1, 1), end=date(2018, 1, 1)),
    )
    [volunteers] = [
        c for c in served().model_dump(mode="json")["commitments"] if c["id"] == "volontarinsatser"
    ]

    assert changed.model_dump(mode="json")["new_status"] == "at-risk"
    assert volunteers["status"] == "on-track"
    assert CommitmentStatusChanged.model_json_schema()["$defs"]["Status"]["enum"] == [
        status.value for status in Status
    ]


def test_the_openapi_document_describes_the_kpis() -> None:
    app = FastAPI()
    app.include_router(router)
    document = app.openapi()
    answer = document["paths"]["/v1/promises/{promise_id}/kpis"]["get"]["responses"]["200"]
    schemas = document["components"]["schemas"]

    assert answer["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PromiseKpisView"
    }
    assert {"CommitmentKpiView", "OutcomeKpiView", "Status"} <= schemas.keys()
    assert set(schemas["Status"]["enum"]) == {status.value for status in Status}


def test_a_coverage_gap_shows_its_coordinates_and_its_period() -> None:
    lund = default_promises()[0]
    kpis = evaluate(lund, [], datetime(2017, 12, 20, 12, tzinfo=UTC), promises=default_promises())
    with_gaps = next(kpi for kpi in kpis.commitments if kpi.gaps)
    gap = with_gaps.gaps[0]

    served = promise_view(kpis).model_dump(mode="json")
    [shown] = [c for c in served["commitments"] if c["id"] == with_gaps.id]

    assert shown["gaps"][0] == {
        **gap.dimensions,
        "period": {"start": gap.period.start.isoformat(), "end": gap.period.end.isoformat()},
    }
