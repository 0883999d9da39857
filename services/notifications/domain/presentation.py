"""Notifications as the channels render them: ids resolved to the names people read.

A notification's `facts` are the KPI event's data (or what the calendar made for a
reminder or a digest); the promise supplies the titles. An id the promise does not know
(a commitment removed since) is shown as it is rather than failing the message.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from services.notifications.domain import Notification
from services.notifications.domain.views import (
    DigestLine,
    DigestOutcome,
    DigestRemark,
    DigestView,
    Figures,
    NotificationView,
    OutcomeFigures,
    commitment_dashboard_path,
    outcome_dashboard_path,
)
from shared.contracts.kpi_events import Status
from shared.promises import Promise


class Presenter:
    def __init__(self, promises: Sequence[Promise]) -> None:
        self._promises = {promise.id: promise for promise in promises}

    def view(self, notification: Notification) -> NotificationView:
        facts = notification.facts
        promise = self._promises.get(str(facts.get("promise", "")))
        organisation = _organisation_name(promise, notification.organisation)
        if notification.kind == "digest":
            return NotificationView.for_digest(_digest(facts, organisation))
        common: dict[str, Any] = {
            "kind": notification.kind,
            "organisation": organisation,
            "promise": promise.title if promise else str(facts.get("promise", "")),
            "severity": notification.severity,
        }
        if notification.kind == "outcome.changed":
            indicator = str(facts["indicator"])
            known = promise.indicator(indicator) if promise else None
            return NotificationView(
                **common,
                title=known.title if known else indicator,
                dashboard_path=outcome_dashboard_path(indicator),
                indicator_id=indicator,
                old_status=_status(facts.get("old_status")),
                new_status=_status(facts.get("new_status")),
                outcome=OutcomeFigures(
                    value=facts.get("value"),
                    comparison=facts.get("comparison_value"),
                    change_ratio=facts.get("change_ratio"),
                    good=facts.get("good"),
                ),
            )
        commitment = str(facts["commitment"])
        known_commitment = promise.commitment(commitment) if promise else None
        title = known_commitment.title if known_commitment else commitment
        if notification.kind == "reminder":
            title = str(facts.get("title") or title)
        return NotificationView(
            **common,
            title=title,
            dashboard_path=commitment_dashboard_path(commitment),
            commitment_id=commitment,
            old_status=_status(facts.get("old_status")),
            new_status=_status(facts.get("new_status")),
            figures=_figures(facts.get("figures")),
            slot=_day(facts.get("slot")),
            dimensions=dict(facts.get("dimensions") or {}),
            days_left=facts.get("days_left"),
        )


def _organisation_name(promise: Promise | None, organisation: str) -> str:
    party = promise.organisation(organisation) if promise else None
    return party.name if party else organisation


def _figures(figures: Any) -> Figures | None:
    if not isinstance(figures, Mapping) or figures.get("done") is None:
        return None
    return Figures(
        done=figures["done"], target=figures.get("target"), expected=figures.get("expected")
    )


def _status(value: Any) -> Status | None:
    """A status as the facts keep it: its wire name (ValueError for one no status has)."""
    return Status(value) if value is not None else None


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def _digest(facts: Mapping[str, Any], organisation: str) -> DigestView:
    def lines(section: str) -> tuple[DigestLine, ...]:
        return tuple(
            DigestLine(
                title=line["title"],
                dashboard_path=commitment_dashboard_path(line["commitment"]),
                status=_status(line.get("status")),
                figures=_figures(line.get("figures")),
                day=_day(line.get("day")),
            )
            for line in facts[section]
        )

    return DigestView(
        organisation=organisation,
        promise=facts["promise_title"],
        week_start=date.fromisoformat(facts["week_start"]),
        behind=lines("behind"),
        missed_last_week=lines("missed_last_week"),
        due_this_week=lines("due_this_week"),
        outcomes=tuple(
            DigestOutcome(
                title=line["title"],
                dashboard_path=outcome_dashboard_path(line["indicator"]),
                status=_status(line.get("status")),
                outcome=OutcomeFigures(
                    value=line.get("value"),
                    comparison=line.get("comparison"),
                    change_ratio=line.get("change_ratio"),
                    good=line.get("good"),
                ),
            )
            for line in facts["outcomes"]
        ),
        # Digests made before they told what was said have no such section.
        said_last_week=tuple(
            DigestRemark(
                title=line["title"],
                dashboard_path=commitment_dashboard_path(line["commitment"]),
                kind=line["kind"],
                who=line["who"],
                text=line.get("text"),
                day=_day(line.get("day")),
            )
            for line in facts.get("said_last_week", ())
        ),
    )
