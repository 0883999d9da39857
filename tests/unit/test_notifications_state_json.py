"""The planner's state survives its jsonb row: whatever the desk's life made of it comes back
equal, and the service planning from the copy decides exactly what it would have from the
original."""

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from services.notifications.domain import DispatchState, Silence, plan
from services.notifications.repository.state_json import (
    dump_state,
    load_notification_document,
    load_state,
    notification_document,
)
from shared.contracts.kpi_events import Status
from tests.unit.test_notifications_planner import LUND, Desk, local


def through_json(state: DispatchState) -> DispatchState:
    return load_state(json.loads(json.dumps(dump_state(state), ensure_ascii=False)))


def lived_in() -> Desk:
    """A desk after a week of news: sent, open, answered, silenced, escalated, pending."""
    desk = Desk()
    desk.tell("e1", "volontarinsatser", Status.MISSED, local(2017, 5, 15, 10, 0))
    desk.tell("e2", "sno-mote", Status.AT_RISK, local(2017, 5, 15, 10, 0, 10))
    desk.tell("e3", "trygghetsvandringar-ungdomar", Status.ACHIEVED, local(2017, 5, 15, 11, 0))
    desk.acknowledge("e2/kommunen", local(2017, 5, 15, 12, 0))
    desk.silence(
        Silence.model_validate(
            {
                "id": "s-1",
                "matchers": ['commitment=~"narkotika.*"'],
                "starts_at": local(2017, 5, 16, 8, 0),
                "ends_at": local(2017, 5, 18, 8, 0),
                "created_by": "anna.berg@polisen.test",
                "comment": "Statistiken rättas",
            }
        ),
        local(2017, 5, 16, 8, 0),
    )
    desk.tell("e4", "narkotikabrott-unga", Status.BEHIND, local(2017, 5, 16, 9, 0))
    desk.advance(local(2017, 5, 17, 11, 0))
    desk.tell("e5", "volontarinsatser", Status.BEHIND, local(2017, 5, 17, 23, 30))
    return desk


def test_a_lived_in_state_comes_back_equal() -> None:
    state = lived_in().state
    assert state.pending
    assert state.groups
    assert state.silences
    assert state.acknowledgements
    assert any(record.escalated_at for record in state.critical)

    assert through_json(state) == state


def test_the_copy_plans_what_the_original_would() -> None:
    state = lived_in().state
    later = local(2017, 5, 18, 9, 0)

    assert plan(through_json(state), LUND, later) == plan(state, LUND, later)


def test_each_notification_is_kept_once_however_many_places_hold_it() -> None:
    document = dump_state(lived_in().state)

    keys = {p["key"] for p in document["pending"]} | {c["key"] for c in document["critical"]}
    keys |= {key for group in document["groups"] for key in group["open"]}
    assert set(document["notifications"]) == keys
    assert "e1/polisen" in keys


def test_an_empty_state_round_trips() -> None:
    assert through_json(DispatchState()) == DispatchState()


def test_a_document_of_another_version_is_refused() -> None:
    document: dict[str, Any] = {**dump_state(DispatchState()), "version": 2}

    with pytest.raises(ValueError, match="version 2"):
        load_state(document)


def test_a_notification_alone_round_trips_with_its_facts() -> None:
    state = lived_in().state
    notification = state.critical[0].notification
    odd = replace(notification, facts={**notification.facts, "figures": {"ratio": 0.5}})

    assert load_notification_document(json.loads(json.dumps(notification_document(odd)))) == odd


def test_instants_keep_their_moment_whatever_the_zone() -> None:
    state = lived_in().state
    document = dump_state(state)

    first = document["pending"][0]["first_seen"]
    assert first.endswith(("+02:00", "+00:00"))
    assert through_json(state).pending[0].first_seen - state.pending[0].first_seen == timedelta(0)
