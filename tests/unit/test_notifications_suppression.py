"""Silences (a person's decision, with a reason) and inhibition (a rule of the file), alone
and as the planner applies them with the Lund routing file."""

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from services.notifications.domain import InhibitRule, Silence, active_silence, inhibited
from shared.contracts.kpi_events import Status
from tests.unit.test_notifications_planner import Desk, local

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOON = datetime(2017, 5, 16, 12, 0, tzinfo=STOCKHOLM)
SNO_AT_RISK = {
    "organisation": "polisen",
    "promise": "lund-2017",
    "commitment": "sno-mote",
    "kind": "commitment.status-changed",
    "status": "at-risk",
}


def silence(**changes: Any) -> Silence:
    fields: dict[str, Any] = {
        "id": "s-1",
        "matchers": ['commitment="sno-mote"'],
        "starts_at": NOON,
        "ends_at": NOON + timedelta(hours=2),
        "created_by": "anna.andersson@polisen.se",
        "comment": "SNÖ-mötet flyttat till tisdag denna vecka",
    }
    return Silence.model_validate({**fields, **changes})


MISSED_RULE = InhibitRule.model_validate(
    {
        "source_matchers": ['kind="commitment.status-changed"', 'status="missed"'],
        "target_matchers": ['kind="commitment.status-changed"', 'status=~"at-risk|behind"'],
        "equal": ["organisation", "promise", "commitment"],
    }
)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"created_by": "  "}, "created_by"),
        ({"comment": ""}, "comment"),
        ({"ends_at": NOON}, "ends_at must be after starts_at"),
        ({"ends_at": NOON - timedelta(minutes=1)}, "ends_at must be after starts_at"),
        ({"matchers": []}, "matchers"),
        ({"matchers": ["commitment=~'(']"]}, "bad regular expression"),
        ({"matchers": ['organization="polisen"']}, "unknown label 'organization'"),
        ({"starts_at": datetime(2017, 5, 16, 12, 0)}, "starts_at"),  # noqa: DTZ001 - the point
    ],
)
def test_a_silence_needs_an_author_a_reason_and_a_real_span(
    changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError, match=re.escape(field)):
        silence(**changes)


def test_a_silence_holds_back_only_what_it_matches_and_only_while_it_lasts() -> None:
    quiet = silence()
    other_commitment = {**SNO_AT_RISK, "commitment": "volontarinsatser"}

    assert active_silence([quiet], SNO_AT_RISK, NOON) == quiet
    assert active_silence([quiet], SNO_AT_RISK, NOON + timedelta(minutes=119)) == quiet
    assert active_silence([quiet], SNO_AT_RISK, NOON - timedelta(seconds=1)) is None
    assert active_silence([quiet], SNO_AT_RISK, NOON + timedelta(hours=2)) is None  # it ended
    assert active_silence([quiet], other_commitment, NOON) is None


def test_of_two_silences_the_longer_one_says_until_when() -> None:
    short = silence(id="short")
    long = silence(id="long", ends_at=NOON + timedelta(days=2))

    assert active_silence([short, long], SNO_AT_RISK, NOON) == long


def test_a_missed_commitment_inhibits_its_own_at_risk_news() -> None:
    missed = {**SNO_AT_RISK, "status": "missed"}

    assert inhibited(SNO_AT_RISK, [missed], [MISSED_RULE])


def test_but_not_another_commitments_nor_another_organisations() -> None:
    missed_elsewhere = {**SNO_AT_RISK, "status": "missed", "commitment": "volontarinsatser"}
    missed_for_kommunen = {**SNO_AT_RISK, "status": "missed", "organisation": "kommunen"}

    assert not inhibited(SNO_AT_RISK, [missed_elsewhere, missed_for_kommunen], [MISSED_RULE])


def test_only_targets_are_inhibited_and_nothing_inhibits_itself() -> None:
    missed = {**SNO_AT_RISK, "status": "missed"}
    self_inhibiting = InhibitRule.model_validate(
        {"source_matchers": ['status="missed"'], "target_matchers": ['status="missed"']}
    )

    assert not inhibited(missed, [missed], [MISSED_RULE])  # missed is no target
    assert not inhibited(missed, [missed], [self_inhibiting])


def test_an_equal_label_missing_on_both_sides_is_not_equal() -> None:
    by_commitment = InhibitRule.model_validate(
        {
            "source_matchers": ['status="missed"'],
            "target_matchers": ['status="behind"'],
            "equal": ["commitment"],
        }
    )
    outcome_behind = {"organisation": "polisen", "indicator": "vuxennarvaro", "status": "behind"}
    outcome_missed = {"organisation": "polisen", "indicator": "skadegorelse", "status": "missed"}

    assert not inhibited(outcome_behind, [outcome_missed], [by_commitment])


def test_a_silence_holds_back_and_its_end_releases() -> None:
    desk = Desk()
    start = local(2017, 5, 16, 10, 0)
    quiet = Silence.model_validate(
        {
            "id": "s-1",
            "matchers": ['commitment="sno-mote"'],
            "starts_at": start,
            "ends_at": local(2017, 5, 16, 12, 0),
            "created_by": "anna@polisen.se",
            "comment": "SNÖ-mötet flyttat, vi vet",
        }
    )
    desk.silence(quiet, start)
    desk.tell("e1", "sno-mote", Status.AT_RISK, start)
    desk.tell("e2", "volontarinsatser", Status.AT_RISK, start)

    desk.advance(local(2017, 5, 16, 12, 30))

    assert desk.seen("polisen") == [
        ("2017-05-16 10:00:30", "polisen", "first", ["volontarinsatser"]),
        ("2017-05-16 12:00:00", "polisen", "update", ["sno-mote", "volontarinsatser"]),
    ]
    assert desk.seen("kommunen") == [("2017-05-16 12:00:00", "kommunen", "first", ["sno-mote"])]
    held = [s for _, p in desk.plans for s in p.suppressed]
    assert {(s.reason, s.silence_id, s.until) for s in held} == {
        ("silenced", "s-1", local(2017, 5, 16, 12, 0))
    }


def test_a_missed_commitment_inhibits_its_own_at_risk_not_another() -> None:
    desk = Desk()
    desk.tell("e1", "sno-mote", Status.AT_RISK, local(2017, 5, 16, 10, 0))
    desk.tell("e2", "volontarinsatser", Status.AT_RISK, local(2017, 5, 16, 10, 0))
    desk.tell("e3", "sno-mote", Status.MISSED, local(2017, 5, 16, 10, 0, 10))

    desk.advance(local(2017, 5, 16, 10, 4))

    assert desk.seen() == [
        ("2017-05-16 10:00:30", "polisen", "first", ["volontarinsatser"]),
        ("2017-05-16 10:00:40", "polisen", "first", ["sno-mote"]),
        ("2017-05-16 10:00:40", "kommunen", "first", ["sno-mote"]),
    ]
    assert [d.notifications[0].labels["status"] for _, d in desk.sent] == [
        "at-risk",
        "missed",
        "missed",
    ]
    inhibited = [s for _, p in desk.plans for s in p.suppressed if s.reason == "inhibited"]
    assert {s.notification.key for s in inhibited} == {"e1/polisen", "e1/kommunen"}
    assert all(s.dropped for s in inhibited)
    assert not any(p.notification.key.startswith("e1/") for p in desk.state.pending)


def test_an_open_at_risk_is_not_repeated_once_its_commitment_is_missed() -> None:
    desk = Desk()
    desk.tell("e1", "volontarinsatser", Status.AT_RISK, local(2017, 5, 16, 10, 0))
    desk.tell("e2", "volontarinsatser", Status.MISSED, local(2017, 5, 16, 11, 0))
    desk.acknowledge("e2/polisen", local(2017, 5, 16, 11, 30))

    desk.advance(local(2017, 5, 16, 20, 0))

    sent = [(at, d.reason, d.notifications[0].labels["status"]) for at, d in desk.sent]
    assert sent == [
        (local(2017, 5, 16, 10, 0, 30), "first", "at-risk"),
        (local(2017, 5, 16, 11, 0, 30), "first", "missed"),
    ]
    assert all(group.open == () for group in desk.state.groups)
