"""Dated targets: activities on given dates, or within a named window.

Times are local (the promise's time zone) as the promise prints them: "23 mars kl
08:30-12:00". They are stored naive and given a zone only when compared with an event,
so a promise file never has to spell out a UTC offset that changes with summer time.
"""

from datetime import date, datetime
from typing import Annotated, Literal, Self
from zoneinfo import ZoneInfo

from pydantic import Field, NaiveDatetime, model_validator

from shared.promises.base import Frozen, RuleViolations, ShortText, Slug, duplicates_at


class Occurrence(Frozen):
    id: Slug
    title: ShortText
    start: NaiveDatetime
    end: NaiveDatetime
    place: ShortText

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.end <= self.start:
            raise ValueError(f"end {self.end} is not after start {self.start}")
        return self

    def starts_at(self, zone: ZoneInfo) -> datetime:
        return self.start.replace(tzinfo=zone)

    def ends_at(self, zone: ZoneInfo) -> datetime:
        return self.end.replace(tzinfo=zone)


class Window(Frozen):
    """A named span of days, both included: "våren" is 1 March to 31 May."""

    name: ShortText
    start: date
    end: date
    place: ShortText | None = None

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class DatedTarget(Frozen):
    """Either fixed occurrences or one window; every occurrence is due."""

    kind: Literal["dated"]
    occurrences: Annotated[tuple[Occurrence, ...], Field(max_length=366)] = ()
    window: Window | None = None

    @model_validator(mode="after")
    def _occurrences_or_window(self) -> Self:
        if bool(self.occurrences) == (self.window is not None):
            raise ValueError("give either occurrences or a window")
        repeats = duplicates_at(o.id for o in self.occurrences)
        if repeats:
            raise RuleViolations(
                (("occurrences", index, "id"), f"duplicate occurrence id {value!r}")
                for index, value in repeats
            )
        return self

    @property
    def first_day(self) -> date:
        if self.window is not None:
            return self.window.start
        return min(o.start.date() for o in self.occurrences)
