"""Routing as data: who is told what, when, and through which channels.

A routing file (the Lund default ships as `services/notifications/routing.yaml`) has four
parts, in the manner of Prometheus Alertmanager:

- `contact_points`: by name, each with its channels: `email` (addresses), `webhooks`
  (`url`, `secret`: the HMAC key the receiver checks), `teams` (incoming-webhook `url`);
- `time_intervals`: named mute timings (see `timeintervals`);
- `route`: the routing tree. Each node has `matchers` (see `matchers`) and may set
  `receiver` (a contact point), `group_by` (labels), `group_wait` [30s], `group_interval`
  [5m], `repeat_interval` [4h], `mute_time_intervals` (names) and `escalation`
  (`after`, `receiver`: where a critical notification goes when nobody acknowledged it in
  time). A node that leaves a setting out inherits its parent's; `mute_time_intervals: []`
  or `escalation: null` switch an inherited one off. A notification walks down from the
  root, which matches everything: the first child that matches takes it, unless that child
  says `continue: true`, when the later siblings are tried too; when no child matches, the
  node itself does;
- `inhibit_rules`: while a notification matching `source_matchers` is firing, one matching
  `target_matchers` with equal values of every `equal` label is not sent.

Every label named must be one notifications carry (`LABEL_NAMES`), every receiver a contact
point, every mute timing defined: a typo is an error that names its field, never a
notification that silently goes nowhere.
"""

import re
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Final, Self
from urllib.parse import urlsplit

from pydantic import AfterValidator, ConfigDict, Field, HttpUrl, SecretStr, model_validator

from services.notifications.domain.durations import Duration
from services.notifications.domain.matchers import Matcher, MatcherField
from services.notifications.domain.notifications import LABEL_NAMES
from services.notifications.domain.timeintervals import TimeInterval
from shared.promises.base import Frozen, Loc, RuleViolations, Slug, no_repeats
from shared.promises.yamlfile import FileProblem, PromiseFileError, validate_yaml

DEFAULT_ROUTING_FILE: Final = Path(__file__).resolve().parent.parent / "routing.yaml"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")


def _known_label(name: str) -> str:
    if name not in LABEL_NAMES:
        raise ValueError(f"unknown label {name!r}; known: {', '.join(sorted(LABEL_NAMES))}")
    return name


def _known_matcher_label(matcher: Matcher) -> Matcher:
    _known_label(matcher.label)
    return matcher


def _email(address: str) -> str:
    if not _EMAIL.fullmatch(address):
        raise ValueError(f"{address!r} is not an email address")
    return address


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("must be longer than 0s")
    return value


def _long_secret(value: SecretStr) -> SecretStr:
    # An HMAC key a person can guess is no key; 16 characters is the least we take.
    if len(value.get_secret_value()) < 16:
        raise ValueError("a webhook secret needs at least 16 characters")
    return value


LabelName = Annotated[str, AfterValidator(_known_label)]
LabelMatcher = Annotated[MatcherField, AfterValidator(_known_matcher_label)]
Labels = Annotated[tuple[LabelName, ...], AfterValidator(no_repeats)]
EmailAddress = Annotated[str, AfterValidator(_email)]
Positive = Annotated[Duration, AfterValidator(_positive)]


class Webhook(Frozen):
    url: HttpUrl
    secret: Annotated[SecretStr, AfterValidator(_long_secret)]


class Teams(Frozen):
    url: HttpUrl


class ContactPoint(Frozen):
    email: tuple[EmailAddress, ...] = ()
    webhooks: tuple[Webhook, ...] = ()
    teams: tuple[Teams, ...] = ()

    @model_validator(mode="after")
    def _has_a_channel(self) -> Self:
        if not (self.email or self.webhooks or self.teams):
            raise ValueError("a contact point needs at least one of email, webhooks, teams")
        return self

    def addresses(self) -> dict[str, list[str]]:
        """Where messages go, channel by channel, without the secrets: of a URL only its
        scheme and host, since a webhook's or Teams URL's path is often its credential."""
        return {
            "email": list(self.email),
            "webhooks": [destination(str(hook.url)) for hook in self.webhooks],
            "teams": [destination(str(team.url)) for team in self.teams],
        }


def destination(url: str) -> str:
    """Where a URL goes, without what may be its secret: `https://hooks.example.org/…`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}/…"


class Escalation(Frozen):
    after: Positive
    receiver: Slug


class Route(Frozen):
    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)

    receiver: Slug | None = None
    matchers: tuple[LabelMatcher, ...] = ()
    continue_: bool = Field(default=False, alias="continue")
    group_by: Labels | None = None
    group_wait: Duration | None = None
    group_interval: Positive | None = None
    repeat_interval: Positive | None = None
    mute_time_intervals: Annotated[tuple[Slug, ...], AfterValidator(no_repeats)] | None = None
    escalation: Escalation | None = None
    routes: tuple["Route", ...] = ()

    def sets(self, setting: str) -> bool:
        """Whether the file sets `setting` here (even to null), rather than inheriting it."""
        return setting in self.model_fields_set


class InhibitRule(Frozen):
    source_matchers: Annotated[tuple[LabelMatcher, ...], Field(min_length=1)]
    target_matchers: Annotated[tuple[LabelMatcher, ...], Field(min_length=1)]
    equal: Labels = ()


class RoutingConfig(Frozen):
    contact_points: Annotated[dict[Slug, ContactPoint], Field(min_length=1)]
    time_intervals: dict[Slug, TimeInterval] = Field(default_factory=dict)
    route: Route
    inhibit_rules: tuple[InhibitRule, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> Self:
        problems: list[tuple[Loc, str]] = []
        root = self.route
        if root.receiver is None:
            problems.append((("route",), "the root route needs a receiver"))
        if root.matchers or root.continue_:
            problems.append((("route",), "the root route matches everything: no matchers"))
        problems += self._route_problems(root, ("route",))
        if problems:
            raise RuleViolations(problems)
        return self

    def _route_problems(self, route: Route, loc: Loc) -> list[tuple[Loc, str]]:
        problems: list[tuple[Loc, str]] = []
        known = ", ".join(sorted(self.contact_points))
        receivers: list[tuple[Loc, str | None]] = [((*loc, "receiver"), route.receiver)]
        if route.escalation is not None:
            receivers.append(((*loc, "escalation", "receiver"), route.escalation.receiver))
        for where, name in receivers:
            if name is not None and name not in self.contact_points:
                problems.append((where, f"unknown contact point {name!r}; known: {known}"))
        for index, name in enumerate(route.mute_time_intervals or ()):
            if name not in self.time_intervals:
                defined = ", ".join(sorted(self.time_intervals)) or "none"
                message = f"unknown time interval {name!r}; defined: {defined}"
                problems.append(((*loc, "mute_time_intervals", index), message))
        for index, child in enumerate(route.routes):
            problems += self._route_problems(child, (*loc, "routes", index))
        return problems

    def contact_point(self, name: str) -> ContactPoint:
        return self.contact_points[name]

    @property
    def uses_example_addresses(self) -> bool:
        """True while any channel still points at example.org & co. (the shipped file)."""
        hosts: list[str] = []
        for point in self.contact_points.values():
            hosts += [address.rpartition("@")[2].lower() for address in point.email]
            urls = [hook.url for hook in point.webhooks] + [team.url for team in point.teams]
            hosts += [urlsplit(str(url)).hostname or "" for url in urls]
        return any(
            host == domain or host.endswith(f".{domain}")
            for host in hosts
            for domain in _EXAMPLE_DOMAINS
        )


class RoutingFileError(ValueError):
    """A routing file that cannot be used, with every problem's line, column and field."""

    def __init__(self, problems: Iterable[FileProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def load_routing_text(text: str, name: str = "routing.yaml") -> RoutingConfig:
    """The routing configuration in `text`; `name` is what its problems are reported under.

    Pure: reading the file (`DEFAULT_ROUTING_FILE` for the shipped one) is the caller's.
    """
    try:
        return validate_yaml(RoutingConfig, text, name)
    except PromiseFileError as error:
        raise RoutingFileError(error.problems) from None
