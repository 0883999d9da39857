"""How the dispatch state changes, so that the service can store it between runs."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.notifications.domain import (
    DEFAULT_ROUTING_FILE,
    Acknowledgement,
    Delivery,
    DeliveryReason,
    DispatchState,
    KpiEvent,
    Notification,
    Suppressed,
    acknowledge,
    drop,
    load_routing_text,
    notifications_for,
    receive,
    record_delivery,
)
from shared.contracts.cloudevents import CloudEvent
from shared.contracts.kpi_events import (
    METRICS_SOURCE,
    CommitmentStatusChanged,
    PeriodSpan,
    Status,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LUND = load_routing_text(DEFAULT_ROUTING_FILE.read_text(encoding="utf-8"), "routing.yaml")
AT = datetime(2017, 5, 16, 10, 0, tzinfo=STOCKHOLM)


def status(event_id: str, new: Status, organisations: tuple[str, ...]) -> list[Notification]:
    data = CommitmentStatusChanged(
        promise="lund-2017",
        commitment="trygghetsvandringar-ungdomar",
        focus_area="trygghet",
        organisations=list(organisations),
        old_status=None,
        new_status=new,
        period=PeriodSpan(start=date(2017, 1, 1), end=date(2018, 1, 1)),
    )
    envelope = CloudEvent(
        specversion="1.0",
        id=event_id,
        source=METRICS_SOURCE,
        type=data.TYPE,
        time=AT,
        data=data.model_dump(mode="json"),
    )
    return notifications_for(KpiEvent(envelope, data))


def delivered(notifications: list[Notification], reason: DeliveryReason = "first") -> Delivery:
    (group_key,) = {f"group-of-{n.organisation}" for n in notifications}
    return Delivery(
        group_key=group_key,
        route_id="route.routes[0].routes[1]",
        receiver=notifications[0].organisation,
        notifications=tuple(notifications),
        reason=reason,
        new_keys=frozenset(n.key for n in notifications),
    )


def test_a_joint_notification_waits_in_each_organisations_group() -> None:
    joint = status("e1", Status.AT_RISK, ("raddningstjansten", "kommunen", "polisen"))

    state = receive(DispatchState(), LUND, joint, AT)

    assert [(p.notification.organisation, p.route_id) for p in state.pending] == [
        ("raddningstjansten", "route.routes[2].routes[1]"),
        ("kommunen", "route.routes[1].routes[1]"),
        ("polisen", "route.routes[0].routes[1]"),
    ]
    assert {p.first_seen for p in state.pending} == {AT.astimezone(UTC)}
    assert receive(state, LUND, joint, AT + timedelta(seconds=5)) == state  # again: no change


def test_the_firing_set_keeps_the_latest_status_of_each_commitment_per_organisation() -> None:
    state = receive(
        DispatchState(), LUND, status("e1", Status.AT_RISK, ("kommunen", "polisen")), AT
    )
    state = receive(state, LUND, status("e2", Status.MISSED, ("polisen",)), AT)

    assert sorted((f["organisation"], f["status"]) for f in state.firing) == [
        ("kommunen", "at-risk"),
        ("polisen", "missed"),
    ]


def test_a_delivery_settles_its_pending_notifications_and_opens_the_group() -> None:
    (warning,) = status("e1", Status.AT_RISK, ("polisen",))
    (news,) = status("e2", Status.ACHIEVED, ("polisen",))
    state = DispatchState()

    state = record_delivery(state, delivered([warning, news]), AT)

    (group,) = state.groups
    assert group.sent_keys == {"e1/polisen", "e2/polisen"}
    assert group.open == (warning,)  # info needs no answer
    assert group.last_sent == AT
    assert state.critical == ()


def test_a_critical_delivery_is_remembered_until_escalated_or_answered() -> None:
    (critical,) = status("e1", Status.MISSED, ("polisen",))
    state = record_delivery(DispatchState(), delivered([critical]), AT)
    (record,) = state.critical
    assert (record.first_sent, record.escalated_at) == (AT, None)

    escalated = record_delivery(state, delivered([critical], "escalation"), AT + timedelta(days=1))
    assert escalated.critical[0].escalated_at == AT + timedelta(days=1)

    answered = acknowledge(state, Acknowledgement("e1/polisen", "anna@polisen.se", AT))
    assert answered.critical == ()
    assert answered.groups[0].open == ()
    assert acknowledge(answered, Acknowledgement("e1/polisen", "bo@polisen.se", AT)) == answered


def test_drop_removes_only_what_the_plan_dropped() -> None:
    state = receive(
        DispatchState(), LUND, status("e1", Status.AT_RISK, ("kommunen", "polisen")), AT
    )
    kommunen, polisen = state.pending

    after = drop(
        state,
        [
            Suppressed(kommunen.notification, kommunen.group_key, "inhibited"),
            Suppressed(polisen.notification, polisen.group_key, "muted", AT + timedelta(hours=9)),
        ],
    )

    assert after.pending == (polisen,)
