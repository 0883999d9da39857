"""Coverage targets: every combination of some dimensions, at least once a period.

"Alla aktörer ska vid minst ett tillfälle i månaden besöka de mötesplatser som finns" is
organisations × meeting places × month: 3 × 4 × 12 cells a year, each needing a visit.
"Räddningstjänsten tar kontakt med alla förskoleklasser och åk 5-klasser" is one
dimension, the classes, covered once a year.

Listed members (places, classes) are matched against the `place` an activity reports,
so partners report a class contact with the class as its place.
"""

from math import prod
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, Field, model_validator

from shared.calendar import PeriodKind, is_finer
from shared.promises.base import Frozen, PositiveCount, ShortText, duplicates_at, no_repeats


class OrganisationsDimension(Frozen):
    """Each of the commitment's responsible organisations on its own."""

    kind: Literal["organisations"]


class ListedDimension(Frozen):
    kind: Literal["places", "classes"]
    members: Annotated[
        tuple[ShortText, ...], Field(min_length=1, max_length=1000), AfterValidator(no_repeats)
    ]
    matched_on: Literal["place"] = "place"
    example: bool = Field(
        default=False, description="true when the members are example data, not the promise's"
    )


class PeriodDimension(Frozen):
    """Each period of `every` kind within the target's period, e.g. each month of a year."""

    kind: Literal["period"]
    every: PeriodKind


Dimension = Annotated[
    OrganisationsDimension | ListedDimension | PeriodDimension, Field(discriminator="kind")
]


class CoverageTarget(Frozen):
    kind: Literal["coverage"]
    dimensions: Annotated[tuple[Dimension, ...], Field(min_length=1, max_length=5)]
    period: PeriodKind = "year"
    at_least: PositiveCount = Field(default=1, description="activities needed in each cell")

    @model_validator(mode="after")
    def _dimensions_fit(self) -> Self:
        kinds = [d.kind for d in self.dimensions]
        repeats = duplicates_at(kinds)
        if repeats:
            raise ValueError(f"the dimension {repeats[0][1]!r} is given twice")
        if sum(isinstance(d, ListedDimension) for d in self.dimensions) > 1:
            # Both would be matched against the same `place` of an activity.
            raise ValueError("give places or classes, not both")
        for dimension in self.dimensions:
            if isinstance(dimension, PeriodDimension) and not is_finer(
                dimension.every, self.period
            ):
                raise ValueError(
                    f"every {dimension.every} does not divide the period {self.period}"
                )
        return self

    @property
    def listed(self) -> ListedDimension | None:
        return next((d for d in self.dimensions if isinstance(d, ListedDimension)), None)

    def cells_per_period(self, organisations: int, sub_periods: int) -> int:
        """How many cells one period has: e.g. 3 organisations × 4 places × 12 months."""
        sizes: list[int] = []
        for dimension in self.dimensions:
            if isinstance(dimension, OrganisationsDimension):
                sizes.append(organisations)
            elif isinstance(dimension, ListedDimension):
                sizes.append(len(dimension.members))
            else:
                sizes.append(sub_periods)
        return prod(sizes)
