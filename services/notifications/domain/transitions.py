"""How the dispatch state changes: as notifications arrive, are sent, dropped, answered.

The service layer keeps `DispatchState` in its database and changes it only through these
functions, each pure (the time is a parameter) and each safe to apply twice:

1. `receive(state, config, notifications, now)` when a KPI event came in;
2. `plan(state, config, now)` (in `planner`), then for every delivery that went out
   `record_delivery(state, delivery, sent_at)`, and `drop(state, plan.suppressed)`;
3. `acknowledge(state, acknowledgement)` when someone answered.
"""

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Final

from services.notifications.domain.config import RoutingConfig
from services.notifications.domain.notifications import ACTIONABLE, Notification
from services.notifications.domain.routing import route
from services.notifications.domain.state import (
    Acknowledgement,
    Delivery,
    DispatchState,
    GroupState,
    PendingNotification,
    SentCritical,
    Suppressed,
)
from services.notifications.domain.timeintervals import as_utc

# Kinds that report a standing status: the latest one per subject is what is "firing".
STATUS_KINDS: Final = frozenset({"commitment.status-changed", "outcome.changed"})
_SUBJECT: Final = ("organisation", "promise", "kind", "commitment", "indicator")


def _subject(labels: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(labels.get(name, "") for name in _SUBJECT)


def receive(
    state: DispatchState,
    config: RoutingConfig,
    notifications: Iterable[Notification],
    now: datetime,
) -> DispatchState:
    """`notifications` pending in every group their labels route to; the firing set updated.

    A notification already pending in, or already sent to, a group is not added again.
    """
    now = as_utc(now)
    pending = list(state.pending)
    present = {(item.notification.key, item.group_key) for item in pending}
    sent = {(key, group.group_key) for group in state.groups for key in group.sent_keys}
    # By subject, in the order they last changed: one lookup per notification, not a pass
    # over every status of every promise.
    firing = {_subject(labels): labels for labels in state.firing}
    for notification in notifications:
        for match in route(config, notification.labels):
            group_key = match.group_key(notification.labels)
            place = (notification.key, group_key)
            if place in present or place in sent:
                continue
            present.add(place)
            pending.append(PendingNotification(notification, group_key, match.route_id, now))
        if notification.kind in STATUS_KINDS:
            subject = _subject(notification.labels)
            firing.pop(subject, None)
            firing[subject] = dict(notification.labels)
    return replace(state, pending=tuple(pending), firing=tuple(firing.values()))


def _sent_in_group(state: DispatchState, delivery: Delivery, sent_at: datetime) -> DispatchState:
    sent_at = as_utc(sent_at)
    keys = {n.key for n in delivery.notifications}
    acknowledged = state.acknowledged_keys
    before = state.group(delivery.group_key)
    still_open = {n.key: n for n in (before.open if before else ())}
    for notification in delivery.notifications:
        if notification.severity in ACTIONABLE:
            still_open.setdefault(notification.key, notification)
    group = GroupState(
        group_key=delivery.group_key,
        route_id=delivery.route_id,
        receiver=delivery.receiver,
        last_sent=sent_at,
        sent_keys=(before.sent_keys if before else frozenset()) | keys,
        open=tuple(n for key, n in still_open.items() if key not in acknowledged),
    )
    recorded = {(c.notification.key, c.group_key) for c in state.critical}
    critical = [
        SentCritical(n, delivery.group_key, delivery.route_id, sent_at)
        for n in delivery.notifications
        if n.severity == "critical"
        and n.key not in acknowledged
        and (n.key, delivery.group_key) not in recorded
    ]
    return replace(
        state,
        pending=tuple(
            p
            for p in state.pending
            if p.group_key != delivery.group_key or p.notification.key not in keys
        ),
        groups=(*(g for g in state.groups if g.group_key != delivery.group_key), group),
        critical=(*state.critical, *critical),
    )


def record_delivery(state: DispatchState, delivery: Delivery, sent_at: datetime) -> DispatchState:
    """The state once `delivery` went out at `sent_at`."""
    if delivery.reason != "escalation":
        return _sent_in_group(state, delivery, sent_at)
    keys = {n.key for n in delivery.notifications}
    critical = tuple(
        replace(c, escalated_at=as_utc(sent_at))
        if c.notification.key in keys and c.group_key == delivery.group_key
        else c
        for c in state.critical
    )
    return replace(state, critical=critical)


def drop(state: DispatchState, suppressed: Iterable[Suppressed]) -> DispatchState:
    """The state without what a plan dropped for good: those pending are never sent, and
    an open notification found inhibited (moot) is no longer repeated."""
    gone = {(s.notification.key, s.group_key) for s in suppressed if s.dropped}
    pending = tuple(p for p in state.pending if (p.notification.key, p.group_key) not in gone)
    groups = tuple(
        replace(g, open=tuple(n for n in g.open if (n.key, g.group_key) not in gone))
        for g in state.groups
    )
    return replace(state, pending=pending, groups=groups)


def acknowledge(state: DispatchState, acknowledgement: Acknowledgement) -> DispatchState:
    """Someone answered: the notification is neither repeated nor escalated any more."""
    key = acknowledgement.notification_key
    if key in state.acknowledged_keys:
        return state
    groups = tuple(
        replace(group, open=tuple(n for n in group.open if n.key != key)) for group in state.groups
    )
    return replace(
        state,
        acknowledgements=(*state.acknowledgements, acknowledgement),
        groups=groups,
        critical=tuple(c for c in state.critical if c.notification.key != key),
    )
