"""From a KPI event to the notifications the responsible organisations get."""

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.notifications.domain import KpiEvent, notifications_for
from shared.contracts.cloudevents import CloudEvent
from shared.contracts.events import EventData
from shared.contracts.kpi_events import (
    METRICS_SOURCE,
    CommitmentStatusChanged,
    CoverageGap,
    OccurrenceMissed,
    OutcomeChanged,
    PeriodSpan,
    Status,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WHEN = datetime(2017, 5, 16, 10, 0, tzinfo=STOCKHOLM)
YEAR = PeriodSpan(start=date(2017, 1, 1), end=date(2018, 1, 1))


def kpi_event(event_id: str, data: EventData) -> KpiEvent:
    document: dict[str, Any] = data.model_dump(mode="json")
    envelope = CloudEvent(
        specversion="1.0",
        id=event_id,
        source=METRICS_SOURCE,
        type=data.TYPE,
        time=WHEN,
        data=document,
    )
    return KpiEvent(envelope, data)


def status_changed(
    new: Status,
    old: Status | None = Status.ON_TRACK,
    organisations: tuple[str, ...] = ("polisen",),
) -> CommitmentStatusChanged:
    return CommitmentStatusChanged(
        promise="lund-2017",
        commitment="trygghetsvandringar-ungdomar",
        focus_area="trygghet",
        organisations=list(organisations),
        old_status=old,
        new_status=new,
        period=YEAR,
        figures={"done": 0, "target": 2},
    )


def outcome(good: bool | None, old: Status | None, new: Status) -> OutcomeChanged:
    return OutcomeChanged(
        promise="lund-2017",
        indicator="skadegorelse",
        organisations=["polisen", "kommunen", "raddningstjansten"],
        old_status=old,
        new_status=new,
        value=120.0,
        comparison_value=100.0,
        change_ratio=0.2,
        good=good,
    )


def test_every_responsible_organisation_gets_its_own_notification() -> None:
    joint = status_changed(
        Status.AT_RISK, organisations=("raddningstjansten", "kommunen", "polisen")
    )

    notifications = notifications_for(kpi_event("m-1", joint))

    assert [n.organisation for n in notifications] == ["raddningstjansten", "kommunen", "polisen"]
    assert [n.labels["organisation"] for n in notifications] == [
        "raddningstjansten",
        "kommunen",
        "polisen",
    ]
    assert len({n.key for n in notifications}) == 3


def test_a_redelivered_event_makes_the_same_keys() -> None:
    first = notifications_for(kpi_event("m-1", status_changed(Status.AT_RISK)))
    again = notifications_for(kpi_event("m-1", status_changed(Status.AT_RISK)))
    other = notifications_for(kpi_event("m-2", status_changed(Status.AT_RISK)))

    assert [n.key for n in first] == [n.key for n in again] == ["m-1/polisen"]
    assert first == again
    assert other[0].key != first[0].key


def test_a_status_change_carries_the_labels_and_facts_a_message_needs() -> None:
    (notification,) = notifications_for(kpi_event("m-1", status_changed(Status.AT_RISK)))

    assert notification.kind == "commitment.status-changed"
    assert notification.labels == {
        "organisation": "polisen",
        "promise": "lund-2017",
        "commitment": "trygghetsvandringar-ungdomar",
        "focus_area": "trygghet",
        "status": "at-risk",
        "kind": "commitment.status-changed",
        "severity": "warning",
    }
    assert notification.facts["old_status"] == "on-track"
    assert notification.facts["figures"] == {"done": 0, "target": 2}
    assert notification.facts["period"] == {"start": "2017-01-01", "end": "2018-01-01"}
    assert notification.occurred_at == WHEN
    assert notification.source_event_id == "m-1"
    json.dumps(notification.facts)  # plain JSON, for templates and the database


@pytest.mark.parametrize(
    ("new", "severity"),
    [
        ("missed", "critical"),
        ("behind", "warning"),
        ("at-risk", "warning"),
        ("on-track", "info"),
        ("achieved", "info"),
        ("awaiting-data", "info"),
    ],
)
def test_severity_of_a_status_change(new: Status, severity: str) -> None:
    (notification,) = notifications_for(kpi_event("m-1", status_changed(new)))
    assert notification.severity == severity
    assert notification.labels["severity"] == severity


def test_a_missed_slot_is_a_warning_with_its_focus_area_from_the_promise() -> None:
    missed = OccurrenceMissed(
        promise="lund-2017",
        commitment="sno-mote",
        organisations=["kommunen", "polisen"],
        slot=date(2017, 5, 15),
    )

    notifications = notifications_for(kpi_event("m-3", missed), {"sno-mote": "skadegorelse"})

    assert {n.severity for n in notifications} == {"warning"}
    assert notifications[0].labels["focus_area"] == "skadegorelse"
    assert "status" not in notifications[0].labels
    assert notifications[0].facts["slot"] == "2017-05-15"


def test_a_coverage_gap_is_a_warning_with_its_cell() -> None:
    gap = CoverageGap(
        promise="lund-2017",
        commitment="motesplatser-besok",
        organisations=["kommunen"],
        dimensions={"organisation": "kommunen", "motesplats": "fritidsgarden-linero"},
        period=PeriodSpan(start=date(2017, 5, 1), end=date(2017, 6, 1)),
        days_left=3,
    )

    (notification,) = notifications_for(kpi_event("m-4", gap))

    assert notification.severity == "warning"
    assert "focus_area" not in notification.labels  # not known without the promise
    assert notification.facts["days_left"] == 3
    assert notification.facts["dimensions"]["motesplats"] == "fritidsgarden-linero"


@pytest.mark.parametrize(
    ("good", "old", "new", "severity"),
    [
        (False, "on-track", "behind", "warning"),  # turned for the worse
        (False, "behind", "behind", "info"),  # still bad, a new value: news, not a turn
        (True, "behind", "on-track", "info"),
        (None, None, "awaiting-data", "info"),
    ],
)
def test_an_outcome_warns_when_it_turns_not_good(
    good: bool | None, old: Status | None, new: Status, severity: str
) -> None:
    notifications = notifications_for(kpi_event("m-5", outcome(good, old, new)))

    assert len(notifications) == 3
    assert {n.severity for n in notifications} == {severity}
    assert notifications[0].labels["indicator"] == "skadegorelse"
    assert notifications[0].labels["status"] == new
    assert "commitment" not in notifications[0].labels


def test_an_event_that_is_not_a_kpi_event_makes_no_notification() -> None:
    event = kpi_event("m-6", status_changed(Status.AT_RISK))
    stray = KpiEvent(event.envelope.model_copy(update={"type": "activity.completed"}), event.data)

    with pytest.raises(ValueError, match=r"'activity\.completed' is not a KPI event type"):
        notifications_for(stray)
