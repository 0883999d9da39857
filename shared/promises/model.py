"""A medborgarlöfte as data: who promises what to whom, from when, and how it is measured.

`Promise` is the contract the services share: commitments and indicators are referred to
by their ids everywhere (events, tallies, notifications), so an id, once published, stays.
Everything a promise refers to must be in it: every commitment's focus area and
responsible organisations, every indicator's commitments. A broken reference is a
validation error at the place it is written.
"""

from datetime import date
from typing import Annotated, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, field_validator, model_validator

from shared.calendar import PeriodKind
from shared.promises.amendments import Amendment, amendment_problems, effective_end
from shared.promises.base import Frozen, Loc, RuleViolations, ShortText, Slug, Text, no_repeats
from shared.promises.indicators import OutcomeIndicator
from shared.promises.places import PlaceAliases, place_problems
from shared.promises.references import reference_problems
from shared.promises.targets import Target


class Organisation(Frozen):
    id: Slug
    name: ShortText


class FocusArea(Frozen):
    id: Slug
    title: ShortText


class Commitment(Frozen):
    """One thing the parties promise to do, in Swedish as the promise words it."""

    id: Slug = Field(description="stable: events and reports refer to it")
    focus_area: Slug
    title: ShortText
    description: Text
    responsible: Annotated[tuple[Slug, ...], Field(min_length=1), AfterValidator(no_repeats)]
    target: Target


class Promise(Frozen):
    id: Slug
    title: ShortText
    area: ShortText
    description: Text | None = None
    parties: Annotated[tuple[Organisation, ...], Field(min_length=1)]
    valid_from: date
    valid_to: date | None = Field(default=None, description="left out: until further notice")
    period: PeriodKind = Field(default="year", description="the follow-up period")
    timezone: ShortText = "Europe/Stockholm"
    focus_areas: Annotated[tuple[FocusArea, ...], Field(min_length=1)]
    commitments: Annotated[tuple[Commitment, ...], Field(min_length=1)]
    outcome_indicators: tuple[OutcomeIndicator, ...] = ()
    amendments: tuple[Amendment, ...] = ()
    places: tuple[PlaceAliases, ...] = Field(
        default=(),
        max_length=1000,
        description="other names partners report for places the targets name; a place is "
        "matched without regard to case, surrounding spaces or Unicode normalisation anyway",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems: list[tuple[Loc, str]] = []
        if self.valid_to is not None and self.valid_to < self.valid_from:
            problems.append((("valid_to",), f"before valid_from {self.valid_from}"))
        problems += reference_problems(self)
        problems += amendment_problems(self.valid_from, self.valid_to, self.amendments)
        problems += place_problems(self)
        if problems:
            raise RuleViolations(problems)
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def organisation_ids(self) -> tuple[str, ...]:
        return tuple(party.id for party in self.parties)

    def organisation(self, organisation_id: str) -> Organisation | None:
        return next((p for p in self.parties if p.id == organisation_id), None)

    def commitment(self, commitment_id: str) -> Commitment | None:
        return next((c for c in self.commitments if c.id == commitment_id), None)

    def indicator(self, indicator_id: str) -> OutcomeIndicator | None:
        return next((i for i in self.outcome_indicators if i.id == indicator_id), None)

    def responsible_for(self, organisation_id: str) -> tuple[Commitment, ...]:
        """The commitments `organisation_id` answers for, alone or with others."""
        return tuple(c for c in self.commitments if organisation_id in c.responsible)

    def effective_valid_to(self, at: date) -> date | None:
        """The end in force on `at`, amendments up to that day applied; None: open."""
        return effective_end(self.valid_to, self.amendments, at)

    def is_valid_on(self, day: date) -> bool:
        end = self.effective_valid_to(day)
        return self.valid_from <= day and (end is None or day <= end)


__all__ = ["Amendment", "Commitment", "FocusArea", "Organisation", "Promise"]
