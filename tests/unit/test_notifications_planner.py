"""The planner, run as the service runs it (`Desk`), with the Lund routing file: what staff
receive and when: grouping, group_interval, repeats, mute timings. Escalation, silences and
inhibition are tested with the same desk in their own modules."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.notifications.domain import (
    DEFAULT_ROUTING_FILE,
    Acknowledgement,
    Delivery,
    DispatchState,
    KpiEvent,
    PendingNotification,
    Plan,
    RoutingConfig,
    Silence,
    acknowledge,
    drop,
    load_routing_text,
    notifications_for,
    plan,
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
RESPONSIBLE = {
    "sno-mote": ("kommunen", "polisen"),
    "volontarinsatser": ("polisen",),
    "narkotikabrott-unga": ("polisen",),
    "trygghetsvandringar-ungdomar": ("raddningstjansten", "kommunen", "polisen"),
}
Seen = tuple[str, str, str, list[str]]


def local(year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=STOCKHOLM)


def status(event_id: str, commitment: str, new: Status, at: datetime) -> KpiEvent:
    data = CommitmentStatusChanged(
        promise="lund-2017",
        commitment=commitment,
        focus_area="trygghet",
        organisations=list(RESPONSIBLE[commitment]),
        old_status=Status.ON_TRACK,
        new_status=new,
        period=PeriodSpan(start=date(2017, 1, 1), end=date(2018, 1, 1)),
    )
    envelope = CloudEvent(
        specversion="1.0",
        id=event_id,
        source=METRICS_SOURCE,
        type=data.TYPE,
        time=at,
        data=data.model_dump(mode="json"),
    )
    return KpiEvent(envelope, data)


@dataclass
class Desk:
    """The delivery planner as the service runs it: receive an event, then plan at once and at
    every `next_wakeup`, record what was sent, drop what the plan dropped."""

    config: RoutingConfig = LUND
    state: DispatchState = field(default_factory=DispatchState)
    wake: datetime | None = None
    sent: list[tuple[datetime, Delivery]] = field(default_factory=list)
    plans: list[tuple[datetime, Plan]] = field(default_factory=list)

    def report(self, event: KpiEvent, at: datetime) -> None:
        self.advance(at)
        self.state = receive(self.state, self.config, notifications_for(event), at)
        self.wake = at if self.wake is None else min(self.wake, at)

    def tell(self, event_id: str, commitment: str, new: Status, at: datetime) -> None:
        """The metrics service announces a status change at `at`."""
        self.report(status(event_id, commitment, new, at), at)

    def acknowledge(self, key: str, at: datetime) -> None:
        self.advance(at)
        self.state = acknowledge(self.state, Acknowledgement(key, "anna@polisen.se", at))

    def silence(self, silence: Silence, at: datetime) -> None:
        self.advance(at)
        self.state = replace(self.state, silences=(*self.state.silences, silence))
        self.wake = at if self.wake is None else min(self.wake, at)

    def advance(self, until: datetime) -> None:
        while self.wake is not None and self.wake <= until:
            now = self.wake
            result = plan(self.state, self.config, now)
            self.plans.append((now, result))
            for delivery in result.deliveries:
                self.state = record_delivery(self.state, delivery, now)
                self.sent.append((now, delivery))
            self.state = drop(self.state, result.suppressed)
            self.wake = result.next_wakeup

    def seen(self, receiver: str | None = None) -> list[Seen]:
        """(local time, receiver, reason, commitments) of every delivery, as staff see it."""
        return [
            (
                at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M:%S"),
                delivery.receiver,
                delivery.reason,
                [n.labels["commitment"] for n in delivery.notifications],
            )
            for at, delivery in self.sent
            if receiver is None or delivery.receiver == receiver
        ]


def test_what_arrives_within_group_wait_goes_out_as_one_message() -> None:
    desk = Desk()
    desk.tell("e1", "sno-mote", Status.AT_RISK, local(2017, 5, 16, 10, 0))
    desk.tell("e2", "volontarinsatser", Status.AT_RISK, local(2017, 5, 16, 10, 0, 20))

    desk.advance(local(2017, 5, 16, 10, 4))

    assert desk.seen() == [
        ("2017-05-16 10:00:30", "polisen", "first", ["sno-mote", "volontarinsatser"]),
        ("2017-05-16 10:00:30", "kommunen", "first", ["sno-mote"]),
    ]


def test_a_joint_commitment_reaches_every_responsible_organisation() -> None:
    desk = Desk()
    at = local(2017, 5, 16, 10, 0)
    desk.tell("e1", "trygghetsvandringar-ungdomar", Status.BEHIND, at)

    desk.advance(at + timedelta(minutes=1))

    assert sorted(receiver for _, receiver, _, _ in desk.seen()) == [
        "kommunen",
        "polisen",
        "raddningstjansten",
    ]


def test_news_for_a_notified_group_waits_for_group_interval_and_brings_the_open_ones() -> None:
    desk = Desk()
    desk.tell("e1", "volontarinsatser", Status.AT_RISK, local(2017, 5, 16, 10, 0))
    desk.tell("e2", "narkotikabrott-unga", Status.BEHIND, local(2017, 5, 16, 10, 1))

    desk.advance(local(2017, 5, 16, 10, 30))

    assert desk.seen() == [
        ("2017-05-16 10:00:30", "polisen", "first", ["volontarinsatser"]),
        ("2017-05-16 10:05:30", "polisen", "update", ["narkotikabrott-unga", "volontarinsatser"]),
    ]
    assert desk.sent[1][1].new_keys == {"e2/polisen"}


def test_an_unanswered_warning_is_repeated_and_an_answer_stops_it() -> None:
    desk = Desk()
    desk.tell("e1", "volontarinsatser", Status.AT_RISK, local(2017, 5, 16, 9, 0))

    desk.advance(local(2017, 5, 16, 14, 0))
    desk.acknowledge("e1/polisen", local(2017, 5, 16, 14, 0))
    desk.advance(local(2017, 5, 20, 0, 0))

    assert desk.seen() == [
        ("2017-05-16 09:00:30", "polisen", "first", ["volontarinsatser"]),
        ("2017-05-16 13:00:30", "polisen", "repeat", ["volontarinsatser"]),
    ]


def test_repeats_wait_out_the_night_too() -> None:
    desk = Desk()
    desk.tell("e1", "volontarinsatser", Status.AT_RISK, local(2017, 5, 16, 14, 0))

    desk.advance(local(2017, 5, 17, 8, 0))

    assert desk.seen() == [
        ("2017-05-16 14:00:30", "polisen", "first", ["volontarinsatser"]),
        ("2017-05-16 18:00:30", "polisen", "repeat", ["volontarinsatser"]),
        ("2017-05-17 07:00:00", "polisen", "repeat", ["volontarinsatser"]),  # not 22:00:30
    ]


def test_good_news_is_told_once() -> None:
    desk = Desk()
    desk.tell("e1", "volontarinsatser", Status.ACHIEVED, local(2017, 5, 16, 10, 0))

    desk.advance(local(2017, 5, 19, 10, 0))

    assert desk.seen() == [("2017-05-16 10:00:30", "polisen", "first", ["volontarinsatser"])]


def test_a_warning_at_23_waits_for_seven_on_the_next_working_day() -> None:
    desk = Desk()
    # Friday 28 April 2017 at 23:00; Monday 1 May is första maj.
    at = local(2017, 4, 28, 23, 0)
    desk.tell("e1", "volontarinsatser", Status.AT_RISK, at)

    desk.advance(local(2017, 5, 2, 8, 0))

    assert desk.seen() == [("2017-05-02 07:00:00", "polisen", "first", ["volontarinsatser"])]
    deferred = [s for _, p in desk.plans for s in p.suppressed]
    assert {(s.reason, s.until) for s in deferred} == {("muted", local(2017, 5, 2, 7, 0))}
    assert not any(s.dropped for s in deferred)


def test_a_warning_before_easter_waits_for_the_tuesday_after() -> None:
    desk = Desk()
    at = local(2017, 4, 13, 23, 0)  # skärtorsdag
    desk.tell("e1", "sno-mote", Status.BEHIND, at)

    desk.advance(local(2017, 4, 18, 8, 0))

    assert desk.seen() == [
        ("2017-04-18 07:00:00", "polisen", "first", ["sno-mote"]),
        ("2017-04-18 07:00:00", "kommunen", "first", ["sno-mote"]),
    ]


def test_a_redelivered_event_is_told_once() -> None:
    desk = Desk()
    event = status("e1", "volontarinsatser", Status.AT_RISK, local(2017, 5, 16, 10, 0))
    desk.report(event, local(2017, 5, 16, 10, 0))
    desk.report(event, local(2017, 5, 16, 10, 0, 10))
    desk.report(event, local(2017, 5, 16, 10, 2))

    desk.advance(local(2017, 5, 16, 10, 30))

    assert desk.seen() == [("2017-05-16 10:00:30", "polisen", "first", ["volontarinsatser"])]


def test_the_plan_is_a_function_of_state_config_and_time() -> None:
    at = local(2017, 5, 16, 10, 0)
    state = receive(
        DispatchState(),
        LUND,
        notifications_for(status("e1", "volontarinsatser", Status.AT_RISK, at)),
        at,
    )

    early = plan(state, LUND, at + timedelta(seconds=10))
    due = plan(state, LUND, at + timedelta(seconds=30))

    assert early == plan(state, LUND, at + timedelta(seconds=10))
    assert early.deliveries == ()
    assert early.next_wakeup == at + timedelta(seconds=30)
    assert [d.reason for d in due.deliveries] == ["first"]
    # Sent now, the warning wants an answer: its repeat is due four hours on.
    assert due.next_wakeup == at + timedelta(seconds=30, hours=4)


def test_a_notification_whose_route_is_gone_is_routed_again() -> None:
    at = local(2017, 5, 16, 10, 0)
    (notification,) = notifications_for(status("e1", "volontarinsatser", Status.AT_RISK, at))
    stale = PendingNotification(notification, "route.routes[7]:{}", "route.routes[7]", at)

    result = plan(DispatchState(pending=(stale,)), LUND, at + timedelta(minutes=1))

    (delivery,) = result.deliveries
    assert (delivery.receiver, delivery.group_key) == ("polisen", "route.routes[7]:{}")
