"""A planned delivery becomes one logged row per message and channel target."""

from datetime import UTC, datetime

from services.notifications.domain import Delivery, Notification, load_routing_text
from services.notifications.domain.messages import planned_rows

CONFIG = load_routing_text(
    """
contact_points:
  polisen:
    email: [a@polisen.test, b@polisen.test]
    webhooks:
      - {url: "https://hooks.polisen.test/one", secret: "0123456789abcdef0123"}
      - {url: "https://hooks.polisen.test/two", secret: "0123456789abcdef0123"}
    teams: [{url: "https://teams.polisen.test/hook"}]
route: {receiver: polisen, group_by: []}
"""
)
NOW = datetime(2017, 5, 16, 8, 0, tzinfo=UTC)


def notification(key: str, organisation: str = "polisen", kind: str = "reminder") -> Notification:
    return Notification(
        key=key,
        kind=kind,  # type: ignore[arg-type]  # the tests' own literal
        organisation=organisation,
        labels={"organisation": organisation, "kind": kind},
        severity="info",
        occurred_at=NOW,
        facts={},
        source_event_id=key,
    )


def delivery(*notifications: Notification) -> Delivery:
    return Delivery(
        group_key="route:{}",
        route_id="route",
        receiver="polisen",
        notifications=notifications,
        reason="first",
        new_keys=frozenset(n.key for n in notifications),
    )


def test_every_target_of_the_contact_point_gets_a_row_and_the_addresses_go_together() -> None:
    rows = planned_rows(delivery(notification("n1"), notification("n2")), CONFIG, NOW)

    assert [(row.channel, row.recipients) for row in rows] == [
        ("email", ("a@polisen.test", "b@polisen.test")),
        ("webhook", ("https://hooks.polisen.test/one",)),
        ("webhook", ("https://hooks.polisen.test/two",)),
        ("teams", ("https://teams.polisen.test/hook",)),
    ]
    assert {row.keys == ["n1", "n2"] for row in rows} == {True}
    assert len({row.id for row in rows}) == 4  # each its own idempotency key


def test_a_message_tells_one_organisation_and_a_digest_goes_alone() -> None:
    mixed = delivery(
        notification("n1"),
        notification("d1", kind="digest"),
        notification("n2", organisation="kommunen"),
        notification("n3"),
    )

    rows = [row for row in planned_rows(mixed, CONFIG, NOW) if row.channel == "email"]

    assert [(row.organisation, row.keys) for row in rows] == [
        ("polisen", ["n1", "n3"]),
        ("polisen", ["d1"]),
        ("kommunen", ["n2"]),
    ]
    assert rows[1].new_keys == {"d1"}
