"""What the delivery planner remembers between runs, and what one run decides.

`DispatchState` is everything `plan` reads besides the configuration and the time; the
service layer persists it (every field is plain data: text, instants, notifications) and
changes it only through `transitions`, so that the rules stay in one place.

`Plan` is what one run decides: deliveries to make now, notifications held back and why,
and when to run again.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, Literal

from services.notifications.domain.notifications import Notification
from services.notifications.domain.suppression import Silence

DeliveryReason = Literal["first", "update", "repeat", "escalation"]
SuppressionReason = Literal["silenced", "muted", "inhibited", "duplicate", "acknowledged"]
DEFERRING: Final[frozenset[SuppressionReason]] = frozenset({"silenced", "muted"})
"""Reasons that keep a notification pending; the others drop it for good."""


@dataclass(frozen=True, slots=True)
class PendingNotification:
    """A notification waiting for its group's next delivery; one per group it belongs to."""

    notification: Notification
    group_key: str
    route_id: str
    first_seen: datetime


@dataclass(frozen=True, slots=True)
class GroupState:
    """A group that has been delivered at least once.

    `sent_keys` are every notification key ever delivered in it (a redelivered event must
    not be told twice); `open` are those sent that still want an answer: warning or
    critical, not acknowledged, not made moot by inhibition. Repeats re-send `open`.
    """

    group_key: str
    route_id: str
    receiver: str
    last_sent: datetime
    sent_keys: frozenset[str] = frozenset()
    open: tuple[Notification, ...] = ()


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    notification_key: str
    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SentCritical:
    """A critical notification delivered and not yet acknowledged: a candidate to escalate."""

    notification: Notification
    group_key: str
    route_id: str
    first_sent: datetime
    escalated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DispatchState:
    pending: tuple[PendingNotification, ...] = ()
    groups: tuple[GroupState, ...] = ()
    silences: tuple[Silence, ...] = ()
    # The latest status of every commitment and outcome, per organisation, as label sets.
    firing: tuple[Mapping[str, str], ...] = ()
    acknowledgements: tuple[Acknowledgement, ...] = ()
    critical: tuple[SentCritical, ...] = ()

    @property
    def acknowledged_keys(self) -> frozenset[str]:
        return frozenset(ack.notification_key for ack in self.acknowledgements)

    def group(self, group_key: str) -> GroupState | None:
        return next((group for group in self.groups if group.group_key == group_key), None)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message to one receiver. `new_keys`: the notifications it tells for the first
    time; the others (in an update or a repeat) are still open from before."""

    group_key: str
    route_id: str
    receiver: str
    notifications: tuple[Notification, ...]
    reason: DeliveryReason
    new_keys: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A due notification not sent now. `until`: when it is due again (silenced, muted);
    None: dropped (inhibited, duplicate, acknowledged)."""

    notification: Notification
    group_key: str
    reason: SuppressionReason
    until: datetime | None = None
    silence_id: str | None = None

    @property
    def dropped(self) -> bool:
        return self.reason not in DEFERRING


@dataclass(frozen=True, slots=True)
class Plan:
    deliveries: tuple[Delivery, ...] = ()
    suppressed: tuple[Suppressed, ...] = ()
    next_wakeup: datetime | None = None
