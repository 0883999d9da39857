"""A planned delivery as the log's rows: one per message and channel target of its receiver's
contact point: the email addresses together as one mail, each webhook, each Teams URL.

A message tells one organisation, and a digest is a message of its own, so a delivery that
mixes them (a routing file may group so) is split into several messages.
"""

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from services.notifications.domain.config import RoutingConfig
from services.notifications.domain.notifications import Notification
from services.notifications.domain.state import Delivery

Channel = Literal["email", "webhook", "teams"]
CHANNELS: tuple[Channel, ...] = ("email", "webhook", "teams")


@dataclass(frozen=True, slots=True)
class LoggedDelivery:
    id: uuid.UUID
    planned_at: datetime
    group_key: str
    route_id: str
    receiver: str
    reason: str
    organisation: str
    channel: Channel
    recipients: tuple[str, ...]
    notifications: tuple[Notification, ...]
    new_keys: frozenset[str]
    attempts: int = 0
    first_attempt_at: datetime | None = None

    @property
    def keys(self) -> list[str]:
        return [n.key for n in self.notifications]


def _messages(notifications: Sequence[Notification]) -> Iterator[tuple[Notification, ...]]:
    by_organisation: dict[str, list[Notification]] = {}
    for notification in notifications:
        by_organisation.setdefault(notification.organisation, []).append(notification)
    for told in by_organisation.values():
        rest = tuple(n for n in told if n.kind != "digest")
        if rest:
            yield rest
        yield from ((n,) for n in told if n.kind == "digest")


def planned_rows(delivery: Delivery, config: RoutingConfig, now: datetime) -> list[LoggedDelivery]:
    point = config.contact_point(delivery.receiver)
    targets: list[tuple[Channel, tuple[str, ...]]] = []
    if point.email:
        targets.append(("email", tuple(point.email)))
    targets += [("webhook", (str(hook.url),)) for hook in point.webhooks]
    targets += [("teams", (str(team.url),)) for team in point.teams]
    return [
        LoggedDelivery(
            id=uuid.uuid4(),
            planned_at=now,
            group_key=delivery.group_key,
            route_id=delivery.route_id,
            receiver=delivery.receiver,
            reason=delivery.reason,
            organisation=message[0].organisation,
            channel=channel,
            recipients=recipients,
            notifications=message,
            new_keys=frozenset(n.key for n in message if n.key in delivery.new_keys),
        )
        for message in _messages(delivery.notifications)
        for channel, recipients in targets
    ]
