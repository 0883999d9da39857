"""Notifications rendered into a `Message`, from the Jinja templates in `../templates/`.

Each kind has `<lang>/<kind>.txt`, whose blocks `subject` and `summary` are also rendered on
their own, and `html/<kind>.html`: one HTML structure for every language, whose words come
from `<lang>/_words.html`. Several notifications at once use `batch.*`. HTML is autoescaped and
values are never parsed as templates, so a title reading `{{7*7}}` or `<script>` stays text.
StrictUndefined makes a misspelt field an error instead of an empty gap in a message.
"""

import re
from collections.abc import Mapping, Sequence
from functools import cache, partial
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    PackageLoader,
    StrictUndefined,
    Template,
    select_autoescape,
)

from services.notifications.channels import i18n
from services.notifications.channels.cards import RenderedItem, payload, teams_card
from services.notifications.channels.message import Message
from services.notifications.domain.views import SEVERITIES, Language, NotificationView

LANGUAGES: tuple[Language, ...] = ("sv", "en")
# Optional sections that render empty leave runs of blank lines behind in plain text.
_BLANK_LINES = re.compile(r"\n{3,}")


@cache
def environment(language: Language) -> Environment:
    if language not in LANGUAGES:
        raise ValueError(f"no templates for language {language!r}; there are {LANGUAGES}")
    env = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("services.notifications", f"templates/{language}"),
                PackageLoader("services.notifications", "templates/html"),
            ]
        ),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        status=partial(i18n.status_name, language=language),
        dimension=partial(i18n.dimension_name, language=language),
        dimensions=partial(i18n.format_dimensions, language=language),
        day=partial(i18n.format_date, language=language),
        number=partial(i18n.format_number, language=language),
        change=partial(i18n.format_change, language=language),
        in_days=partial(i18n.in_days, language=language),
    )
    return env


def render(
    notifications: Sequence[NotificationView],
    *,
    language: Language,
    grafana_url: str,
    ack_url: str | None,
) -> Message:
    views = tuple(notifications)
    if not views:
        raise ValueError("nothing to render")
    if len(views) > 1 and any(view.kind == "digest" for view in views):
        raise ValueError("a digest is a message of its own")
    if len({view.organisation for view in views}) > 1:
        raise ValueError("one message goes to one organisation")
    grafana = _http_url(grafana_url, "grafana_url").rstrip("/")
    if ack_url is not None:
        _http_url(ack_url, "ack_url")
    env = environment(language)

    items = tuple(
        RenderedItem(view, _summary(env, view), grafana + view.dashboard_path) for view in views
    )
    name = views[0].kind if len(views) == 1 else "batch"
    context: dict[str, Any] = {
        "n": views[0],
        "digest": views[0].digest,
        "items": items,
        "severity": max((view.severity for view in views), key=SEVERITIES.index),
        "grafana": grafana,
        "ack_url": ack_url,
    }
    text_template = env.get_template(f"{name}.txt")
    summary = _block(text_template, "summary", context) if name == "batch" else items[0].summary
    context["summary"] = summary
    subject = " ".join(_block(text_template, "subject", context).split())
    context["subject"] = subject
    return Message(
        subject=subject,
        text=_BLANK_LINES.sub("\n\n", text_template.render(context)).strip() + "\n",
        html=env.get_template(f"{name}.html").render(context),
        payload=payload(
            items,
            language=language,
            subject=subject,
            summary=summary,
            grafana=grafana,
            ack_url=ack_url,
        ),
        teams_card=teams_card(
            items,
            language=language,
            subject=subject,
            summary=summary,
            grafana=grafana,
            ack_url=ack_url,
        ),
    )


def _summary(env: Environment, view: NotificationView) -> str:
    template = env.get_template(f"{view.kind}.txt")
    return _block(template, "summary", {"n": view, "digest": view.digest})


def _block(template: Template, name: str, context: Mapping[str, Any]) -> str:
    """One block of a template rendered on its own, so a subject is written only once."""
    render_block = template.blocks.get(name)
    if render_block is None:
        raise LookupError(f"template {template.name} has no block {name!r}")
    text = "".join(render_block(template.new_context(dict(context))))
    if not text.strip():
        raise ValueError(f"block {name!r} of {template.name} rendered empty")
    return text.strip()


def _http_url(url: str, what: str) -> str:
    # Links end up in href attributes and card buttons: only web links belong there.
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"{what} must be an http(s) URL")
    return url
