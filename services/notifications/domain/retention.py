"""What the planner's state forgets, so that it does not grow for ever: groups idle for the
retention time, escalations long done, and the keys of old notifications a group remembers
as sent.

The consumer's dedup records and the notifications' primary key already keep a redelivered
event from being received twice, so forgetting those keys loses nothing. Pure: which of the
remembered keys are old is asked of the database by the caller (`remembered_keys` says which
to ask about).
"""

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

from services.notifications.domain.state import DispatchState, GroupState


def kept_groups(state: DispatchState, cutoff: datetime) -> tuple[GroupState, ...]:
    """The groups still in use: open, pending, or sent to since `cutoff`."""
    pending_groups = {item.group_key for item in state.pending}
    return tuple(
        group
        for group in state.groups
        if group.open or group.group_key in pending_groups or group.last_sent >= cutoff
    )


def remembered_keys(groups: Collection[GroupState]) -> list[str]:
    """The keys the groups remember as sent: those whose age decides whether they stay."""
    return sorted({key for group in groups for key in group.sent_keys})


def pruned(state: DispatchState, cutoff: datetime, old: Collection[str]) -> DispatchState:
    """`state` without what it no longer needs: idle groups, the keys in `old` (notifications
    made before `cutoff`) unless still open, and escalations done before `cutoff`."""
    groups = kept_groups(state, cutoff)
    if old:
        groups = tuple(
            replace(
                group,
                sent_keys=frozenset(
                    key for key in group.sent_keys if key not in old or _is_open(group, key)
                ),
            )
            for group in groups
        )
    # An escalation record of a notification still open stays: were it forgotten, the next
    # repeat would record it anew and escalate it a second time.
    still_open = {n.key for group in groups for n in group.open}
    critical = tuple(
        record
        for record in state.critical
        if record.notification.key in still_open
        or (record.escalated_at or record.first_sent) >= cutoff
    )
    return replace(state, groups=groups, critical=critical)


def held_keys(state: DispatchState) -> set[str]:
    """The notifications the state still holds: those whose acknowledgements bear on it."""
    keys = {item.notification.key for item in state.pending}
    keys |= {n.key for group in state.groups for n in group.open}
    keys |= {record.notification.key for record in state.critical}
    return keys


def _is_open(group: GroupState, key: str) -> bool:
    return any(n.key == key for n in group.open)
