"""`DispatchState` as a JSON document, and back, for its single row in PostgreSQL.

A notification can sit in several places at once (pending in two groups, open, critical);
the document keeps each one once, under `notifications` by key, and the places refer to it
by key. Instants are ISO 8601 with their offset, so nothing depends on the server's zone.
`version` lets a later shape upcast this one on read.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final, cast

from services.notifications.domain import (
    KINDS,
    Acknowledgement,
    DispatchState,
    GroupState,
    Kind,
    Notification,
    PendingNotification,
    SentCritical,
    Severity,
    Silence,
)

VERSION: Final = 1
Document = dict[str, Any]


def dump_state(state: DispatchState) -> Document:
    notifications: dict[str, Document] = {}

    def ref(notification: Notification) -> str:
        notifications[notification.key] = _notification(notification)
        return notification.key

    return {
        "version": VERSION,
        "pending": [
            {
                "key": ref(item.notification),
                "group_key": item.group_key,
                "route_id": item.route_id,
                "first_seen": item.first_seen.isoformat(),
            }
            for item in state.pending
        ],
        "groups": [
            {
                "group_key": group.group_key,
                "route_id": group.route_id,
                "receiver": group.receiver,
                "last_sent": group.last_sent.isoformat(),
                "sent_keys": sorted(group.sent_keys),
                "open": [ref(n) for n in group.open],
            }
            for group in state.groups
        ],
        "silences": [silence.model_dump(mode="json") for silence in state.silences],
        "firing": [dict(labels) for labels in state.firing],
        "acknowledgements": [
            {"notification_key": a.notification_key, "by": a.by, "at": a.at.isoformat()}
            for a in state.acknowledgements
        ],
        "critical": [
            {
                "key": ref(record.notification),
                "group_key": record.group_key,
                "route_id": record.route_id,
                "first_sent": record.first_sent.isoformat(),
                "escalated_at": _instant_or_none(record.escalated_at),
            }
            for record in state.critical
        ],
        "notifications": notifications,
    }


def load_state(document: Mapping[str, Any]) -> DispatchState:
    version = document.get("version")
    if version != VERSION:
        raise ValueError(f"dispatch state version {version!r}; this service reads {VERSION}")
    notifications = {
        key: _load_notification(key, entry) for key, entry in document["notifications"].items()
    }
    return DispatchState(
        pending=tuple(
            PendingNotification(
                notifications[item["key"]],
                item["group_key"],
                item["route_id"],
                datetime.fromisoformat(item["first_seen"]),
            )
            for item in document["pending"]
        ),
        groups=tuple(
            GroupState(
                group_key=group["group_key"],
                route_id=group["route_id"],
                receiver=group["receiver"],
                last_sent=datetime.fromisoformat(group["last_sent"]),
                sent_keys=frozenset(group["sent_keys"]),
                open=tuple(notifications[key] for key in group["open"]),
            )
            for group in document["groups"]
        ),
        silences=tuple(Silence.model_validate(entry) for entry in document["silences"]),
        firing=tuple(dict(labels) for labels in document["firing"]),
        acknowledgements=tuple(
            Acknowledgement(a["notification_key"], a["by"], datetime.fromisoformat(a["at"]))
            for a in document["acknowledgements"]
        ),
        critical=tuple(
            SentCritical(
                notifications[record["key"]],
                record["group_key"],
                record["route_id"],
                datetime.fromisoformat(record["first_sent"]),
                _load_instant_or_none(record["escalated_at"]),
            )
            for record in document["critical"]
        ),
    )


def _notification(notification: Notification) -> Document:
    return {
        "kind": notification.kind,
        "organisation": notification.organisation,
        "labels": dict(notification.labels),
        "severity": notification.severity,
        "occurred_at": notification.occurred_at.isoformat(),
        "facts": notification.facts,
        "source_event_id": notification.source_event_id,
    }


def _load_notification(key: str, entry: Mapping[str, Any]) -> Notification:
    return Notification(
        key=key,
        kind=_kind(entry["kind"]),
        organisation=entry["organisation"],
        labels=dict(entry["labels"]),
        severity=_severity(entry["severity"]),
        occurred_at=datetime.fromisoformat(entry["occurred_at"]),
        facts=dict(entry["facts"]),
        source_event_id=entry["source_event_id"],
    )


def notification_document(notification: Notification) -> Document:
    """One notification alone, keyed; what the delivery log keeps of each it carries."""
    return {"key": notification.key, **_notification(notification)}


def load_notification_document(entry: Mapping[str, Any]) -> Notification:
    return _load_notification(entry["key"], entry)


def _kind(value: str) -> Kind:
    for kind in KINDS:
        if kind == value:
            return kind
    raise ValueError(f"unknown notification kind {value!r}")


def _severity(value: str) -> Severity:
    if value not in ("critical", "warning", "info"):
        raise ValueError(f"unknown severity {value!r}")
    return cast(Severity, value)


def _instant_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _load_instant_or_none(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
