"""What keeps a notification from going out although it is due: silences and inhibition.

A silence is a person's decision, for a stated time and reason ("the walk is booked for
Thursday, stop telling us"): every notification whose labels match all its matchers is held
back while it lasts, and released when it ends. Who set it and why are required, so that
whoever wonders why nothing arrived can find out and ask.

Inhibition is a rule of the routing file: while a notification matching the rule's source
matchers is firing, a notification matching its target matchers is redundant when every
`equal` label is present in both with the same value (a commitment `missed` makes its own
`at-risk` news moot, not another commitment's). A label missing on either side is never
equal, so a rule about commitments cannot inhibit an outcome, which has none. Nothing
inhibits itself.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from services.notifications.domain.config import InhibitRule, LabelMatcher
from services.notifications.domain.matchers import matches_all
from services.notifications.domain.timeintervals import as_utc
from shared.contracts.cloudevents import Instant
from shared.promises.base import Frozen

Required = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class Silence(Frozen):
    id: Required
    matchers: Annotated[tuple[LabelMatcher, ...], Field(min_length=1)]
    # Instants PostgreSQL stores as they are (it keeps year 1 and 9999 as ±infinity, read
    # back without a zone) and every time zone can show.
    starts_at: Instant
    ends_at: Instant
    created_by: Required
    comment: Reason

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self

    @property
    def organisation(self) -> str | None:
        """The organisation the silence is pinned to by an `organisation="…"` matcher: it holds
        back nothing of any other. None when it could hold back anyone's."""
        pinned = (m.value for m in self.matchers if m.label == "organisation" and m.op == "=")
        return next(pinned, None)

    def active_at(self, at: datetime) -> bool:
        return as_utc(self.starts_at) <= as_utc(at) < as_utc(self.ends_at)

    def silences(self, labels: Mapping[str, str], at: datetime) -> bool:
        return self.active_at(at) and matches_all(self.matchers, labels)


def active_silence(
    silences: Iterable[Silence], labels: Mapping[str, str], at: datetime
) -> Silence | None:
    """The silence holding `labels` back at `at`; of several, the one that lasts longest."""
    holding = [silence for silence in silences if silence.silences(labels, at)]
    return max(holding, key=lambda silence: as_utc(silence.ends_at), default=None)


def _equal(labels: Mapping[str, str], source: Mapping[str, str], names: Iterable[str]) -> bool:
    return all(name in labels and labels.get(name) == source.get(name) for name in names)


def inhibited(
    labels: Mapping[str, str],
    firing: Iterable[Mapping[str, str]],
    rules: Iterable[InhibitRule],
) -> bool:
    """Whether any rule makes `labels` redundant given the label sets now `firing`."""
    sources = [source for source in firing if dict(source) != dict(labels)]
    return any(
        matches_all(rule.source_matchers, source) and _equal(labels, source, rule.equal)
        for rule in rules
        if matches_all(rule.target_matchers, labels)
        for source in sources
    )
