"""Notifications: what one organisation is told about one KPI event.

A KPI event names every organisation responsible for its commitment (for an outcome, every
party to the promise); each of them is told, so one event makes one notification per
organisation. The notification's key is the event's id and the organisation, so an event
the broker delivers twice makes the same keys and the second copy changes nothing.

Labels are what routing, silences and inhibition select on (all text):

- `organisation`, `promise`, `kind` (the event type, or `reminder`, `digest`), `severity`;
- `commitment` or `indicator`; `focus_area` when the event or the caller knows it;
- `status` (the new status) for `commitment.status-changed` and `outcome.changed`.

Severity, so that a night's sleep is broken only for what cannot wait:

- `critical`: a commitment turned `missed`: the promise is broken and someone must answer;
- `warning`: a commitment turned `behind` or `at-risk`, a missed slot of a recurring
  commitment, a coverage gap about to close, an outcome that turned not good;
- `info`: everything else (a commitment back on track, achieved, an outcome improving).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal, get_args

from services.notifications.domain.events import KpiEvent
from shared.contracts.kpi_events import (
    CommitmentStatusChanged,
    CoverageGap,
    OccurrenceMissed,
    OutcomeChanged,
    Status,
)

Severity = Literal["critical", "warning", "info"]
Kind = Literal[
    "commitment.status-changed",
    "occurrence.missed",
    "coverage.gap",
    "outcome.changed",
    "reminder",
    "digest",
]
KINDS: Final[tuple[Kind, ...]] = get_args(Kind)
# Only these want an answer: they are repeated until acknowledged. Info is told once.
ACTIONABLE: Final[frozenset[Severity]] = frozenset({"critical", "warning"})
LABEL_NAMES: Final = frozenset(
    (
        "organisation",
        "promise",
        "kind",
        "severity",
        "commitment",
        "indicator",
        "focus_area",
        "status",
    )
)
"""Every label a notification can carry; routing files may name no other."""


@dataclass(frozen=True, slots=True)
class Notification:
    """One message for one organisation. `facts` are plain JSON values for templates."""

    key: str
    kind: Kind
    organisation: str
    labels: dict[str, str] = field(hash=False)
    severity: Severity
    occurred_at: datetime
    facts: dict[str, Any] = field(hash=False)
    source_event_id: str


def labelled(
    *,
    key: str,
    kind: Kind,
    organisation: str,
    severity: Severity,
    subject: Mapping[str, str],
    occurred_at: datetime,
    facts: Mapping[str, Any],
    source_event_id: str,
) -> Notification:
    """A notification labelled by what it is about (`subject`: promise, commitment, ...) and
    by its organisation, kind and severity: what routes, silences and inhibitions match."""
    return Notification(
        key=key,
        kind=kind,
        organisation=organisation,
        labels={**subject, "organisation": organisation, "kind": kind, "severity": severity},
        severity=severity,
        occurred_at=occurred_at,
        facts=dict(facts),
        source_event_id=source_event_id,
    )


def notification_key(source_event_id: str, organisation: str) -> str:
    return f"{source_event_id}/{organisation}"


def _kind(event: KpiEvent) -> Kind:
    for kind in KINDS:
        if kind == event.envelope.type:
            return kind
    raise ValueError(f"{event.envelope.type!r} is not a KPI event type")


def severity_of(event: KpiEvent) -> Severity:
    data = event.data
    if isinstance(data, CommitmentStatusChanged):
        if data.new_status is Status.MISSED:
            return "critical"
        return "warning" if data.new_status in (Status.BEHIND, Status.AT_RISK) else "info"
    if isinstance(data, OccurrenceMissed | CoverageGap):
        return "warning"
    if isinstance(data, OutcomeChanged):
        # A changed value alone is news, not a turn for the worse: warn on the turn.
        turned = data.new_status != data.old_status
        return "warning" if data.good is False and turned else "info"
    return "info"


def _subject_labels(event: KpiEvent, focus_areas: Mapping[str, str]) -> dict[str, str]:
    data = event.data
    labels: dict[str, str] = {}
    promise = getattr(data, "promise", None)
    if isinstance(promise, str):
        labels["promise"] = promise
    commitment = data.commitment_id()
    if commitment is not None:
        labels["commitment"] = commitment
        focus_area = getattr(data, "focus_area", None) or focus_areas.get(commitment)
        if focus_area:
            labels["focus_area"] = focus_area
    if isinstance(data, OutcomeChanged):
        labels["indicator"] = data.indicator
    if isinstance(data, CommitmentStatusChanged | OutcomeChanged):
        labels["status"] = data.new_status
    return labels


def notifications_for(
    event: KpiEvent, focus_areas: Mapping[str, str] | None = None
) -> list[Notification]:
    """One notification per organisation the event names, in the event's order.

    `focus_areas` (commitment id to focus area id, from the promise) fills the
    `focus_area` label for events that do not carry it themselves.
    """
    organisations: list[str] = list(dict.fromkeys(getattr(event.data, "organisations", [])))
    kind = _kind(event)
    severity = severity_of(event)
    subject = _subject_labels(event, focus_areas or {})
    return [
        labelled(
            key=notification_key(event.envelope.id, organisation),
            kind=kind,
            organisation=organisation,
            severity=severity,
            subject=subject,
            occurred_at=event.envelope.time,
            # Dumped per notification: no two share a mutable `figures` dict.
            facts=event.data.model_dump(mode="json"),
            source_event_id=event.envelope.id,
        )
        for organisation in organisations
    ]
