"""The planner's state forgets what it no longer needs: idle groups, old keys a group
remembers as sent, escalations long done; never what is still open."""

from dataclasses import replace
from datetime import timedelta

from services.notifications.domain.retention import (
    held_keys,
    kept_groups,
    pruned,
    remembered_keys,
)
from shared.contracts.kpi_events import Status
from tests.unit.test_notifications_planner import Desk, local

AT = local(2017, 5, 2, 10, 0)  # a Tuesday, in office hours


def lived_in() -> Desk:
    desk = Desk()
    desk.tell("e1", "trygghetsvandringar-ungdomar", Status.ACHIEVED, AT)  # told once, to all three
    desk.tell("e2", "volontarinsatser", Status.AT_RISK, AT)  # polisen's, open until answered
    desk.advance(AT + timedelta(minutes=1))
    return desk


def test_idle_groups_go_and_old_keys_are_forgotten_unless_open() -> None:
    state = lived_in().state
    cutoff = AT + timedelta(days=14)

    [group] = pruned(state, cutoff, old={"e1/polisen", "e2/polisen"}).groups

    assert group.receiver == "polisen"
    assert [n.key for n in group.open] == ["e2/polisen"]
    assert group.sent_keys == {"e2/polisen"}


def test_the_database_is_asked_only_about_the_keys_of_groups_that_stay() -> None:
    state = lived_in().state

    assert remembered_keys(kept_groups(state, AT + timedelta(days=14))) == [
        "e1/polisen",
        "e2/polisen",
    ]
    assert len(remembered_keys(kept_groups(state, AT))) == 4


def test_nothing_recent_is_pruned() -> None:
    state = lived_in().state

    assert pruned(state, AT, old=set()) == state


def test_an_open_notification_keeps_its_escalation_record_and_a_done_one_goes() -> None:
    desk = Desk()
    desk.tell("e3", "volontarinsatser", Status.MISSED, AT)  # critical: escalated unless answered
    desk.advance(AT + timedelta(minutes=1))
    open_record = desk.state
    closed = replace(open_record, groups=tuple(replace(g, open=()) for g in open_record.groups))
    later = AT + timedelta(days=60)

    assert [c.notification.key for c in open_record.critical] == ["e3/polisen"]
    assert pruned(open_record, later, old={"e3/polisen"}).critical == open_record.critical
    assert pruned(closed, AT, old=set()).critical == open_record.critical
    assert pruned(closed, later, old={"e3/polisen"}).critical == ()


def test_the_answers_that_bear_on_the_state_are_those_of_what_it_still_holds() -> None:
    # e1 was told and wants no answer; e2 is open until someone acknowledges it.
    assert held_keys(lived_in().state) == {"e2/polisen"}
