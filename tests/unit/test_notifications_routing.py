"""The routing tree: who receives what, with which settings, and the dry run explaining it."""

import json
from datetime import datetime, timedelta
from textwrap import dedent
from zoneinfo import ZoneInfo

import pytest

from services.notifications.domain import (
    DEFAULT_ROUTING_FILE,
    Match,
    RoutingConfig,
    dry_run,
    load_routing_text,
    route,
    route_by_id,
)
from services.notifications.domain.config import destination
from shared.promises import Commitment, default_promise

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LUND = load_routing_text(DEFAULT_ROUTING_FILE.read_text(encoding="utf-8"), "routing.yaml")
PROMISE = default_promise()
assert PROMISE is not None
ORGANISATIONS = ("polisen", "kommunen", "raddningstjansten")


def labels(organisation: str, severity: str = "warning", **more: str) -> dict[str, str]:
    return {"organisation": organisation, "promise": "lund-2017", "severity": severity, **more}


def receivers(config: RoutingConfig, found: dict[str, str]) -> list[str]:
    return [match.receiver for match in route(config, found)]


@pytest.mark.parametrize("commitment", PROMISE.commitments, ids=lambda c: c.id)
def test_each_responsible_organisation_and_nobody_else_hears_of_a_commitment(
    commitment: Commitment,
) -> None:
    # One notification per responsible organisation (`notifications_for`), each to its own.
    for organisation in commitment.responsible:
        found = labels(organisation, commitment=commitment.id, focus_area=commitment.focus_area)
        assert receivers(LUND, found) == [organisation]


@pytest.mark.parametrize("organisation", ORGANISATIONS)
@pytest.mark.parametrize("severity", ["critical", "warning", "info"])
def test_an_organisations_notifications_go_to_its_own_contact_point(
    organisation: str, severity: str
) -> None:
    assert receivers(LUND, labels(organisation, severity)) == [organisation]


def test_routine_news_is_muted_out_of_hours_but_a_missed_commitment_is_not() -> None:
    (routine,) = route(LUND, labels("kommunen", "warning", commitment="foreningsliv"))
    (critical,) = route(LUND, labels("kommunen", "critical", commitment="foreningsliv"))

    assert routine.mute_time_intervals == ("utanfor-kontorstid",)
    assert routine.escalation is None
    assert critical.mute_time_intervals == ()
    assert critical.escalation is not None
    assert critical.escalation.receiver == "kommunen-chef"
    assert critical.escalation.after == timedelta(hours=24)
    assert critical.group_by == ("organisation", "promise", "commitment")


def test_an_organisation_without_a_route_reaches_the_operators_not_nobody() -> None:
    assert receivers(LUND, labels("lansstyrelsen")) == ["lofte-drift"]


TREE = load_routing_text(
    dedent(
        """\
        contact_points:
          alla: {email: [alla@example.org]}
          polisen: {email: [polisen@example.org]}
          chef: {email: [chef@example.org]}
          natt: {email: [natt@example.org]}
        time_intervals:
          natt: {any_of: [{times: [{start: "22:00", end: "07:00"}]}]}
        route:
          receiver: alla
          group_by: [organisation]
          repeat_interval: 8h
          mute_time_intervals: [natt]
          escalation: {after: 12h, receiver: chef}
          routes:
            - matchers: ['severity="critical"']
              receiver: chef
              continue: true
              mute_time_intervals: []
            - matchers: ['organisation=~"polis.*"']
              receiver: polisen
              group_wait: 1m
              routes:
                - matchers: ['kind="coverage.gap"']
                  group_by: [organisation, commitment]
                  escalation: null
            - matchers: ['organisation="polisen"']
              receiver: natt
        """
    ),
    "tree.yaml",
)


def test_the_first_matching_child_wins() -> None:
    # The third child matches too, but the second took the notification.
    assert receivers(TREE, labels("polisen")) == ["polisen"]


def test_continue_lets_later_siblings_match_too() -> None:
    assert receivers(TREE, labels("polisen", "critical")) == ["chef", "polisen"]


def test_a_node_with_no_matching_child_takes_the_notification_itself() -> None:
    assert receivers(TREE, labels("kommunen")) == ["alla"]
    assert [m.route_id for m in route(TREE, labels("kommunen"))] == ["route"]


def test_children_inherit_what_they_leave_out() -> None:
    (gap,) = route(TREE, labels("polisen", kind="coverage.gap", commitment="motesplatser-besok"))

    assert gap == Match(
        route_id="route.routes[1].routes[0]",
        path=("route", "route.routes[1]", "route.routes[1].routes[0]"),
        receiver="polisen",  # from its parent
        group_by=("organisation", "commitment"),  # its own
        group_wait=timedelta(minutes=1),  # from its parent
        group_interval=timedelta(minutes=5),  # the default, nobody set it
        repeat_interval=timedelta(hours=8),  # from the root
        mute_time_intervals=("natt",),  # from the root
        escalation=None,  # `escalation: null` switched the root's off
    )


def test_an_empty_list_switches_an_inherited_mute_off() -> None:
    chef, polisen = route(TREE, labels("polisen", "critical"))

    assert chef.mute_time_intervals == ()
    assert polisen.mute_time_intervals == ("natt",)
    assert polisen.escalation is not None
    assert polisen.escalation.receiver == "chef"


def test_group_keys_name_the_route_and_the_grouping_labels() -> None:
    (match,) = route(TREE, labels("polisen", kind="coverage.gap", commitment="sno-mote"))

    key = match.group_key(labels("polisen", commitment="sno-mote"))

    assert key == 'route.routes[1].routes[0]:{organisation="polisen",commitment="sno-mote"}'


def test_a_route_is_found_again_by_its_id() -> None:
    (match,) = route(TREE, labels("polisen", kind="coverage.gap"))

    assert route_by_id(TREE, match.route_id) == match
    assert route_by_id(TREE, "route.routes[9]") is None


def test_a_dry_run_explains_the_way_and_the_addresses() -> None:
    friday_night = datetime(2017, 5, 19, 23, 10, tzinfo=STOCKHOLM)
    found = labels(
        "polisen", commitment="sno-mote", kind="commitment.status-changed", status="at-risk"
    )

    explained = dry_run(LUND, found, at=friday_night)

    json.dumps(explained)  # what the API returns as it is
    (match,) = explained["matches"]
    assert explained["receivers"] == ["polisen"]
    assert match["path"] == ["route", "route.routes[0]", "route.routes[0].routes[1]"]
    assert match["contact_point"] == {
        "name": "polisen",
        "email": ["medborgarlofte.lund@polisen.example.org"],
        "webhooks": ["https://hooks.example.org/…"],  # a URL's path may be its secret
        "teams": [],
    }
    assert (
        match["group_key"]
        == 'route.routes[0].routes[1]:{organisation="polisen",promise="lund-2017"}'
    )
    assert (match["group_wait"], match["group_interval"], match["repeat_interval"]) == (
        "30s",
        "5m",
        "4h",
    )
    assert match["mute_time_intervals"] == ["utanfor-kontorstid"]
    assert match["muted_until"] == "2017-05-22T07:00:00+02:00"
    assert match["escalation"] is None
    assert explained["inhibitable_by"] == [
        {
            "rule": 0,
            "source_matchers": ['kind="commitment.status-changed"', 'status="missed"'],
            "equal": ["organisation", "promise", "commitment"],
        }
    ]
    assert "secret" not in json.dumps(explained).lower()


def test_a_dry_run_of_a_joint_critical_notification_shows_the_escalation() -> None:
    explained = dry_run(LUND, labels("raddningstjansten", "critical"))

    (match,) = explained["matches"]
    assert match["muted_until"] is None
    assert match["escalation"] == {
        "after": "1d",
        "receiver": "raddningstjansten-chef",
        "contact_point": {
            "name": "raddningstjansten-chef",
            "email": ["stationschef.lund@rsyd.example.org"],
            "webhooks": [],
            "teams": [],
        },
        "applies": True,
    }


def test_a_url_is_shown_only_as_where_it_goes() -> None:
    shown = destination("https://lofte:hunter2@hooks.example.org:8443/T0/B1/s3cr3t?token=abc")

    assert shown == "https://hooks.example.org:8443/…"
