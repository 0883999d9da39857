"""Outcome indicators: what the promise wants to change, and how that is measured.

Each says where its numbers come from (crime statistics by category, a survey index, or
a count of the promise's own activities), what it is compared with, and which way is
better. A baseline keeps the published figures as published: Lund's 2016 drug-crime
total is 161 while its breakdown adds up to 159, and both are kept; the 2 nobody
classified are `unclassified`, not an error to be corrected away.
"""

from typing import Annotated, Final, Literal, Self

from pydantic import AfterValidator, Field, model_validator

from shared.calendar import DateRange
from shared.contracts.events import AgeBand
from shared.contracts.events import IncidentCategory as CategoryText
from shared.promises.base import Frozen, ShortText, Slug, Text, no_repeats

# The categories partners may report in `incident.recorded`. To add one, append it here
# and regenerate the JSON Schema (see shared/promises/schema.py).
INCIDENT_CATEGORIES: Final[tuple[str, ...]] = (
    "narkotika.bruk",
    "narkotika.innehav",
    "narkotika.overlatelse",
    "narkotika.doping",
    "narkotika.ospecificerat",
    "skadegorelse",
    "skadegorelse.klotter",
)


def _known_category(value: str) -> str:
    if value not in INCIDENT_CATEGORIES:
        raise ValueError(f"unknown incident category; known: {', '.join(INCIDENT_CATEGORIES)}")
    return value


IncidentCategory = Annotated[
    CategoryText,
    AfterValidator(_known_category),
    Field(json_schema_extra={"enum": list(INCIDENT_CATEGORIES)}),
]
Categories = Annotated[tuple[IncidentCategory, ...], Field(min_length=1)]


class CrimeStatistics(Frozen):
    kind: Literal["crime-statistics"]
    categories: Annotated[Categories, AfterValidator(no_repeats)]
    age_band: AgeBand | None = Field(default=None, description="only incidents in this band")


class Survey(Frozen):
    kind: Literal["survey"]
    indicator: Slug = Field(description="the indicator id of `survey.published` events")
    source: ShortText | None = None


class ActivityCount(Frozen):
    kind: Literal["activity-count"]
    commitments: Annotated[tuple[Slug, ...], Field(min_length=1), AfterValidator(no_repeats)]


Measure = Annotated[CrimeStatistics | Survey | ActivityCount, Field(discriminator="kind")]
Comparison = Literal["same-period-previous-year", "baseline"]
Count = Annotated[int, Field(ge=0)]


class Baseline(Frozen):
    """Published figures for a past period: the total, and its breakdown as published."""

    period: DateRange
    total: Count
    by_category: dict[IncidentCategory, Count] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _breakdown_within_total(self) -> Self:
        classified = sum(self.by_category.values())
        if classified > self.total:
            raise ValueError(
                f"the categories add up to {classified}, more than the total {self.total}"
            )
        return self

    @property
    def unclassified(self) -> int:
        """The part of the total the published breakdown does not account for."""
        return self.total - sum(self.by_category.values())


class OutcomeIndicator(Frozen):
    id: Slug
    title: ShortText
    description: Text | None = None
    measured_by: Measure
    comparison: Comparison
    direction: Literal["up", "down"]
    baseline: Baseline | None = None

    @model_validator(mode="after")
    def _baseline_fits(self) -> Self:
        if self.comparison == "baseline" and self.baseline is None:
            raise ValueError("comparison with a baseline needs the baseline")
        if self.baseline is not None and self.baseline.by_category:
            measured = self.measured_by
            if not isinstance(measured, CrimeStatistics):
                raise ValueError("a breakdown by category needs crime statistics")
            outside = sorted(set(self.baseline.by_category) - set(measured.categories))
            if outside:
                raise ValueError(f"the baseline has categories not measured: {outside}")
        return self
