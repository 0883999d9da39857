"""Routing files: the shipped Lund file is valid; a broken one names file, line and field."""

from datetime import timedelta
from textwrap import dedent

import pytest

from services.notifications.domain import (
    DEFAULT_ROUTING_FILE,
    RoutingConfig,
    RoutingFileError,
    load_routing_text,
)

MINIMAL = """\
contact_points:
  polisen:
    email: [lofte@polisen.example.org]
route:
  receiver: polisen
"""


def lund() -> RoutingConfig:
    return load_routing_text(DEFAULT_ROUTING_FILE.read_text(encoding="utf-8"), "routing.yaml")


def problems(text: str) -> list[str]:
    with pytest.raises(RoutingFileError) as caught:
        load_routing_text(dedent(text), "routing.yaml")
    return [str(problem) for problem in caught.value.problems]


def test_the_shipped_lund_file_is_valid_and_says_it_is_an_example() -> None:
    config = lund()

    assert {"polisen", "kommunen", "raddningstjansten"} <= config.contact_points.keys()
    assert config.route.group_wait == timedelta(seconds=30)
    assert config.uses_example_addresses  # must be replaced before anyone relies on it
    assert "utanfor-kontorstid" in config.time_intervals
    assert len(config.inhibit_rules) == 1


def test_real_addresses_are_not_examples() -> None:
    config = load_routing_text(MINIMAL.replace("polisen.example.org", "polisen.se"))
    assert not config.uses_example_addresses


def test_webhook_secrets_are_kept_out_of_reprs_and_dumps() -> None:
    config = lund()
    dumped = config.model_dump_json()

    assert "EXAMPLE-polisen-webhook-secret" not in repr(config)
    assert "EXAMPLE-polisen-webhook-secret" not in dumped


def test_an_unknown_receiver_is_named_with_its_line() -> None:
    found = problems(
        MINIMAL + "  routes:\n    - matchers: [severity=critical]\n      receiver: polisen-jour\n"
    )
    assert found == [
        "routing.yaml:8:17 route.routes[0].receiver: "
        "unknown contact point 'polisen-jour'; known: polisen"
    ]


def test_an_unknown_escalation_receiver_is_named() -> None:
    found = problems(MINIMAL + "  escalation: {after: 24h, receiver: chefen}\n")
    assert found == [
        "routing.yaml:6:38 route.escalation.receiver: "
        "unknown contact point 'chefen'; known: polisen"
    ]


def test_a_bad_regex_is_named_with_its_line() -> None:
    text = (
        MINIMAL
        + """\
inhibit_rules:
  - source_matchers: ['status="missed"']
    target_matchers: ['status=~"at-risk|(behind"']
"""
    )
    (found,) = problems(text)
    assert found.startswith(
        "routing.yaml:8:23 inhibit_rules[0].target_matchers[0]: "
        "bad regular expression 'at-risk|(behind'"
    )


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "group_wait: 30",
            "route.group_wait: write a duration with its unit, e.g. '30s', '5m' or '4h'",
        ),
        ("group_interval: 5 minutes", "route.group_interval: '5 minutes' is not a duration"),
        ("repeat_interval: 0s", "route.repeat_interval: must be longer than 0s"),
    ],
)
def test_a_bad_duration_is_named(setting: str, message: str) -> None:
    (found,) = problems(MINIMAL + f"  {setting}\n")
    assert found.startswith("routing.yaml:6:")
    assert message in found


def test_an_unknown_label_is_named_with_the_known_ones() -> None:
    found = problems(
        MINIMAL + "  group_by: [organization]\n  routes:\n    - matchers: [organization=polisen]\n"
    )
    assert len(found) == 2
    assert found[0].startswith(
        "routing.yaml:6:14 route.group_by[0]: unknown label 'organization'; known: "
    )
    assert "organisation" in found[0]
    assert found[1].startswith(
        "routing.yaml:8:18 route.routes[0].matchers[0]: unknown label 'organization'"
    )


def test_an_unknown_time_interval_is_named() -> None:
    found = problems(MINIMAL + "  mute_time_intervals: [natt]\n")
    assert found == [
        "routing.yaml:6:25 route.mute_time_intervals[0]: "
        "unknown time interval 'natt'; defined: none"
    ]


def test_the_root_route_needs_a_receiver_and_matches_everything() -> None:
    found = problems(MINIMAL.replace("  receiver: polisen\n", "  matchers: [severity=critical]\n"))
    assert found == [
        "routing.yaml:4:1 route: the root route needs a receiver",
        "routing.yaml:4:1 route: the root route matches everything: no matchers",
    ]


def test_a_contact_point_needs_a_channel_and_real_addresses() -> None:
    found = problems(
        """\
        contact_points:
          polisen: {}
          kommunen:
            email: [trygghet at lund]
            webhooks: [{url: not-a-url, secret: short}]
        route:
          receiver: polisen
        """
    )
    assert found[0] == (
        "routing.yaml:2:3 contact_points.polisen: "
        "a contact point needs at least one of email, webhooks, teams"
    )
    assert found[1] == (
        "routing.yaml:4:13 contact_points.kommunen.email[0]: "
        "'trygghet at lund' is not an email address"
    )
    assert found[2].startswith(
        "routing.yaml:5:22 contact_points.kommunen.webhooks[0].url: Input should be a valid URL"
    )
    assert found[3] == (
        "routing.yaml:5:41 contact_points.kommunen.webhooks[0].secret: "
        "a webhook secret needs at least 16 characters"
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('weekdays: ["friday:monday"]', "write the days in week order"),
        ("weekdays: [fredag]", "'fredag' is not a weekday"),
        ("times: [{start: 22:00, end: '07:00'}]", "write a time of day in quotes"),
        ("times: [{start: '07:00', end: '07:00'}]", "start and end are equal"),
        ("public_holiday: true", "Extra inputs are not permitted"),
    ],
)
def test_a_bad_time_interval_is_named(entry: str, message: str) -> None:
    text = MINIMAL + f"time_intervals:\n  natt:\n    any_of:\n      - {entry}\n"
    (found,) = problems(text)
    assert found.startswith("routing.yaml:9:")
    assert "time_intervals.natt.any_of[0]" in found
    assert message in found


def test_a_misspelt_setting_is_an_error_not_ignored() -> None:
    (found,) = problems(MINIMAL + "  repeat_intervall: 4h\n")
    assert found == "routing.yaml:6:3 route.repeat_intervall: Extra inputs are not permitted"


def test_yaml_syntax_errors_have_a_line_too() -> None:
    (found,) = problems(MINIMAL + "  group_by: [organisation\n")
    assert found.startswith("routing.yaml:7:")
