"""The delivery planner's decisions: `plan(state, config, now)` says what to send now, what to hold
back and why, and when to look again. A pure function: the same state, configuration and
time always give the same plan, so a run can be repeated, replayed and tested exactly.

Per group (the notifications of one route node with equal `group_by` labels):

1. First delivery: a group never delivered waits `group_wait` after its oldest pending
   notification arrived, collecting whatever else arrives meanwhile, then sends it all.
2. Update: new notifications in a group delivered before wait until `group_interval` after
   its last delivery, and at least `group_wait` after they arrived (a burst after a quiet
   spell is collected like the first). The update carries the new ones and the group's
   open ones (sent, warning or critical, not acknowledged); `new_keys` tells them apart.
3. Repeat: a group with open notifications and nothing new is sent again `repeat_interval`
   after its last delivery, until every one is acknowledged. `info` notifications need no
   answer, are never open and never repeated.
4. Held back when due, in this order: acknowledged before it was sent (dropped), already
   sent in the group (`duplicate`, dropped: the broker redelivered its event), `inhibited`
   by a firing notification (dropped: the news is moot), `silenced` (kept pending until
   the silence ends), `muted` by the route's mute timings (kept pending, due again when
   the mute window ends: deferred, never dropped).
5. Escalation: a critical notification nobody acknowledged within `escalation.after` of
   its first delivery goes once to the escalation receiver of its route, subject to
   silences, inhibition and mute timings as above. An acknowledged one never is.

`next_wakeup` is the earliest moment any of this changes: a group_wait, group_interval or
repeat_interval running out, a silence or mute window ending, an escalation deadline.
Route settings are looked up by the route id a notification was grouped under, as the
configuration is now; if that node no longer exists, its labels are routed again.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from services.notifications.domain.config import RoutingConfig
from services.notifications.domain.notifications import ACTIONABLE, Notification
from services.notifications.domain.routing import Match, route, routes_by_id
from services.notifications.domain.state import (
    Delivery,
    DeliveryReason,
    DispatchState,
    GroupState,
    PendingNotification,
    Plan,
    SentCritical,
    Suppressed,
)
from services.notifications.domain.suppression import active_silence, inhibited
from services.notifications.domain.timeintervals import as_utc, muted_until


@dataclass
class _Run:
    """One run's inputs and what it has decided so far."""

    state: DispatchState
    config: RoutingConfig
    now: datetime
    acknowledged: frozenset[str]
    routes: dict[str, Match]
    deliveries: list[Delivery] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)
    wakeups: list[datetime] = field(default_factory=list)

    def settings(self, route_id: str, notification: Notification) -> Match:
        return self.routes.get(route_id) or route(self.config, notification.labels)[0]

    def hold(self, notification: Notification, group_key: str) -> Suppressed | None:
        """Why `notification` may not go out now, if it may not; silences wake us later."""
        if inhibited(notification.labels, self.state.firing, self.config.inhibit_rules):
            return Suppressed(notification, group_key, "inhibited")
        silence = active_silence(self.state.silences, notification.labels, self.now)
        if silence is None:
            return None
        ends = as_utc(silence.ends_at)
        self.wakeups.append(ends)
        return Suppressed(notification, group_key, "silenced", ends, silence.id)

    def sendable(self, notifications: Iterable[Notification], group_key: str) -> list[Notification]:
        ready: list[Notification] = []
        for notification in notifications:
            held = self.hold(notification, group_key)
            if held is None:
                ready.append(notification)
            else:
                self.suppressed.append(held)
        return ready

    def unmuted(self, settings: Match, group_key: str, notifications: list[Notification]) -> bool:
        """False, with the notifications deferred, while the route's mute timings hold."""
        intervals = [self.config.time_intervals[name] for name in settings.mute_time_intervals]
        until = muted_until(intervals, self.now)
        if until is None:
            return True
        self.wakeups.append(until)
        self.suppressed += [Suppressed(n, group_key, "muted", until) for n in notifications]
        return False


def _fresh(
    run: _Run, pending: list[PendingNotification], group: GroupState | None
) -> list[PendingNotification]:
    """The pending notifications worth timing: one per key, none already settled."""
    sent = group.sent_keys if group is not None else frozenset()
    fresh: dict[str, PendingNotification] = {}
    for item in sorted(pending, key=lambda p: (as_utc(p.first_seen), p.notification.key)):
        key = item.notification.key
        if key in run.acknowledged:
            run.suppressed.append(Suppressed(item.notification, item.group_key, "acknowledged"))
        elif key in sent:
            run.suppressed.append(Suppressed(item.notification, item.group_key, "duplicate"))
        else:
            fresh.setdefault(key, item)
    return list(fresh.values())


def _group(
    run: _Run, key: str, pending: list[PendingNotification], group: GroupState | None
) -> None:
    fresh = _fresh(run, pending, group)
    still_open = [n for n in (group.open if group else ()) if n.key not in run.acknowledged]
    if not fresh and not still_open:
        return
    route_id = fresh[0].route_id if fresh else group.route_id if group else ""
    settings = run.settings(route_id, fresh[0].notification if fresh else still_open[0])
    new_at: datetime | None = None
    if fresh:
        new_at = min(as_utc(p.first_seen) for p in fresh) + settings.group_wait
        if group is not None:
            new_at = max(new_at, as_utc(group.last_sent) + settings.group_interval)
    repeat_at = None
    if group is not None and still_open:
        repeat_at = as_utc(group.last_sent) + settings.repeat_interval
    run.wakeups += [at for at in (new_at, repeat_at) if at is not None and at > run.now]
    new_due = new_at is not None and run.now >= new_at
    repeat_due = repeat_at is not None and run.now >= repeat_at
    news = run.sendable((p.notification for p in fresh), key) if new_due else []
    if not (news or repeat_due):
        return
    reminders = run.sendable(still_open, key)
    reason: DeliveryReason = ("update" if group else "first") if news else "repeat"
    notifications = [*news, *reminders]
    if notifications and run.unmuted(settings, key, notifications):
        delivery = Delivery(
            group_key=key,
            route_id=settings.route_id,
            receiver=settings.receiver,
            notifications=tuple(notifications),
            reason=reason,
            new_keys=frozenset(n.key for n in news),
        )
        run.deliveries.append(delivery)
        run.wakeups += _follow_ups(run.now, settings, notifications)


def _follow_ups(now: datetime, settings: Match, sent: list[Notification]) -> list[datetime]:
    """When what goes out now may be due again: its repeat, its escalation."""
    follow_ups: list[datetime] = []
    if any(n.severity in ACTIONABLE for n in sent):
        follow_ups.append(now + settings.repeat_interval)
    if settings.escalation is not None and any(n.severity == "critical" for n in sent):
        follow_ups.append(now + settings.escalation.after)
    return follow_ups


def _escalations(run: _Run) -> None:
    batches: dict[tuple[str, str, str], list[Notification]] = {}
    told: set[tuple[str, str]] = set()
    for record in sorted(run.state.critical, key=_critical_order):
        notification = record.notification
        if record.escalated_at is not None or notification.key in run.acknowledged:
            continue
        settings = run.settings(record.route_id, notification)
        escalation = settings.escalation
        if escalation is None or (notification.key, escalation.receiver) in told:
            continue
        deadline = as_utc(record.first_sent) + escalation.after
        if run.now < deadline:
            run.wakeups.append(deadline)
            continue
        held = run.hold(notification, record.group_key)
        if held is not None:
            run.suppressed.append(held)
            continue
        if not run.unmuted(settings, record.group_key, [notification]):
            continue
        told.add((notification.key, escalation.receiver))
        batch = (record.group_key, settings.route_id, escalation.receiver)
        batches.setdefault(batch, []).append(notification)
    for (group_key, route_id, receiver), notifications in batches.items():
        keys = frozenset(n.key for n in notifications)
        run.deliveries.append(
            Delivery(group_key, route_id, receiver, tuple(notifications), "escalation", keys)
        )


def _critical_order(record: SentCritical) -> tuple[datetime, str, str]:
    return as_utc(record.first_sent), record.notification.key, record.group_key


def plan(state: DispatchState, config: RoutingConfig, now: datetime) -> Plan:
    """What to do at `now`; see the module's docstring for the rules."""
    now = as_utc(now)
    run = _Run(state, config, now, state.acknowledged_keys, routes_by_id(config))
    by_group: dict[str, list[PendingNotification]] = {}
    for item in state.pending:
        by_group.setdefault(item.group_key, []).append(item)
    groups = {group.group_key: group for group in state.groups}
    for key in sorted(by_group.keys() | groups.keys()):
        _group(run, key, by_group.get(key, []), groups.get(key))
    _escalations(run)
    return Plan(
        deliveries=tuple(run.deliveries),
        suppressed=tuple(run.suppressed),
        next_wakeup=min((at for at in run.wakeups if at > now), default=None),
    )
