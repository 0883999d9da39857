"""Missed commitments with the Lund routing file: told at once, repeated, escalated to the
second contact after a day without an answer, and quiet once someone answers."""

from datetime import timedelta

from shared.contracts.kpi_events import Status
from tests.unit.test_notifications_planner import Desk, local


def test_a_missed_commitment_is_told_at_once_at_night() -> None:
    desk = Desk()
    at = local(2017, 5, 19, 23, 0)
    desk.tell("e1", "volontarinsatser", Status.MISSED, at)

    desk.advance(at + timedelta(minutes=1))

    assert desk.seen() == [("2017-05-19 23:00:30", "polisen", "first", ["volontarinsatser"])]


def test_a_missed_commitment_nobody_answers_escalates_once_after_a_day() -> None:
    desk = Desk()
    at = local(2017, 5, 16, 10, 0)
    desk.tell("e1", "volontarinsatser", Status.MISSED, at)

    desk.advance(local(2017, 5, 20, 10, 0))

    assert desk.seen("polisen-chef") == [
        ("2017-05-17 10:00:30", "polisen-chef", "escalation", ["volontarinsatser"])
    ]
    assert desk.seen("polisen")[:3] == [
        ("2017-05-16 10:00:30", "polisen", "first", ["volontarinsatser"]),
        ("2017-05-16 14:00:30", "polisen", "repeat", ["volontarinsatser"]),
        ("2017-05-16 18:00:30", "polisen", "repeat", ["volontarinsatser"]),
    ]


def test_an_answer_stops_repeats_and_escalation() -> None:
    desk = Desk()
    at = local(2017, 5, 16, 10, 0)
    desk.tell("e1", "volontarinsatser", Status.MISSED, at)

    desk.acknowledge("e1/polisen", local(2017, 5, 16, 11, 0))
    desk.advance(local(2017, 5, 20, 10, 0))

    assert desk.seen() == [("2017-05-16 10:00:30", "polisen", "first", ["volontarinsatser"])]
    assert desk.wake is None  # nothing left to do


def test_one_organisations_answer_does_not_answer_for_another() -> None:
    desk = Desk()
    at = local(2017, 5, 16, 10, 0)
    desk.tell("e1", "sno-mote", Status.MISSED, at)

    desk.acknowledge("e1/polisen", local(2017, 5, 16, 11, 0))
    desk.advance(local(2017, 5, 17, 11, 0))

    assert desk.seen("polisen-chef") == []
    assert desk.seen("kommunen-chef") == [
        ("2017-05-17 10:00:30", "kommunen-chef", "escalation", ["sno-mote"])
    ]
