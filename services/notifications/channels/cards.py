"""The machine-facing forms of a rendered message: the webhook payload and the Teams card.

The card is an Adaptive Card (1.4, what Teams renders everywhere) in the `message` envelope
that both Teams workflow webhooks and the older incoming webhooks accept. Teams reads card
text as Markdown, so names from a promise file are escaped: a title must not become a link.
"""

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.notifications.channels import i18n
from services.notifications.domain.notifications import Severity
from services.notifications.domain.views import (
    COMMITMENT_DASHBOARD,
    SEVERITIES,
    DigestLine,
    Language,
    NotificationView,
)

PAYLOAD_TYPE = "lofte.notification"
PAYLOAD_VERSION = 1

_SEVERITY_COLOURS: Mapping[Severity, str] = {
    "info": "Accent",
    "warning": "Warning",
    "critical": "Attention",
}
_MARKDOWN = re.compile(r"([\\`*_\[\]~])")


@dataclass(frozen=True, slots=True)
class RenderedItem:
    """A notification with what was rendered for it, as the batch forms list them."""

    view: NotificationView
    summary: str
    dashboard_url: str


def payload(
    items: Sequence[RenderedItem],
    *,
    language: Language,
    subject: str,
    summary: str,
    grafana: str,
    ack_url: str | None,
) -> dict[str, Any]:
    return {
        "type": PAYLOAD_TYPE,
        "version": PAYLOAD_VERSION,
        "kind": items[0].view.kind if len(items) == 1 else "batch",
        "language": language,
        "subject": subject,
        "summary": summary,
        "acknowledge_url": ack_url,
        "notifications": [
            {**_jsonable(item.view, grafana), "summary": item.summary} for item in items
        ],
    }


def teams_card(
    items: Sequence[RenderedItem],
    *,
    language: Language,
    subject: str,
    summary: str,
    grafana: str,
    ack_url: str | None,
) -> dict[str, Any]:
    labels = i18n.LABELS[language]
    views = [item.view for item in items]
    severity = max((view.severity for view in views), key=SEVERITIES.index)
    body: list[dict[str, Any]] = [
        _text(subject, weight="Bolder", size="Medium", color=_SEVERITY_COLOURS[severity]),
        _text(summary),
    ]
    if len(items) == 1:
        body.append({"type": "FactSet", "facts": _facts(views[0], language)})
        if views[0].digest is not None:
            body.extend(_digest_sections(views[0].digest.behind, "behind", language))
            body.extend(_digest_sections(views[0].digest.due_this_week, "due", language))
        dashboard = items[0].dashboard_url
    else:
        for item in items:
            body.append(_text(item.summary, separator=True))
            body.append(_actions([(labels["dashboard"], item.dashboard_url)]))
        dashboard = grafana + COMMITMENT_DASHBOARD
    buttons = [(labels["dashboard"], dashboard)]
    if ack_url is not None:
        buttons.append((labels["acknowledge"], ack_url))
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": body,
        "actions": _actions(buttons)["actions"],
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def markdown_escaped(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": markdown_escaped(text), "wrap": True, **style}


def _actions(buttons: Sequence[tuple[str, str]]) -> dict[str, Any]:
    return {
        "type": "ActionSet",
        "actions": [{"type": "Action.OpenUrl", "title": t, "url": u} for t, u in buttons],
    }


def _facts(view: NotificationView, language: Language) -> list[dict[str, str]]:
    labels = i18n.LABELS[language]
    facts = [
        (labels["organisation"], view.organisation),
        (labels["promise"], view.promise),
    ]
    if view.new_status is not None:
        facts.append((labels["status"], i18n.status_name(view.new_status, language)))
    if view.kind != "digest":
        facts.append((labels["severity"], i18n.SEVERITY_NAMES[language][view.severity]))
    return [{"title": title, "value": markdown_escaped(value)} for title, value in facts]


def _digest_sections(
    lines: Sequence[DigestLine], section: str, language: Language
) -> list[dict[str, Any]]:
    if not lines:
        return []
    heading = i18n.LABELS[language][f"digest_{section}"]
    return [
        _text(heading, weight="Bolder", separator=True),
        *(_text(f"• {line.title}") for line in lines),
    ]


def _jsonable(value: Any, grafana: str) -> Any:
    """Plain JSON values; a dashboard path becomes the absolute URL a receiver can open."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        path = fields.pop("dashboard_path", None)
        converted = {name: _jsonable(field, grafana) for name, field in fields.items()}
        if path is not None:
            converted["dashboard_url"] = grafana + path
        return converted
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item, grafana) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_jsonable(item, grafana) for item in value]
    return value
