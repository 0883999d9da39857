"""School holidays (skollov) as data, for commitments due "before each school holiday".

Unlike public holidays these cannot be computed: each municipality decides them per
school year. A calendar is loaded from a YAML file (see `skollov-lund.yaml`) and says
plainly whether its dates are example data.
"""

from datetime import timedelta
from itertools import pairwise
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from shared.calendar import DateRange
from shared.promises.base import Frozen, RuleViolations, ShortText, Slug, Text

SchoolHolidayKind = Literal["hostlov", "jullov", "sportlov", "pasklov", "sommarlov"]
SCHOOL_HOLIDAY_NAMES: dict[SchoolHolidayKind, str] = {
    "hostlov": "höstlov",
    "jullov": "jullov",
    "sportlov": "sportlov",
    "pasklov": "påsklov",
    "sommarlov": "sommarlov",
}


class SchoolHolidaysUnknown(LookupError):
    """The calendar has no dates for a year someone asked about."""


class SchoolHoliday(DateRange):
    """A school holiday's days, from `start` to `end`, both included."""

    kind: SchoolHolidayKind

    @property
    def name(self) -> str:
        return SCHOOL_HOLIDAY_NAMES[self.kind]


class SchoolHolidayCalendar(Frozen):
    """The school holidays of one municipality, by the calendar year each one starts in."""

    id: Slug
    title: ShortText
    example: bool = Field(description="true while the dates are example data, not checked")
    note: Text | None = None
    years: Annotated[dict[int, tuple[SchoolHoliday, ...]], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for year, holidays in self.years.items():
            kinds: set[str] = set()
            for index, holiday in enumerate(holidays):
                loc = ("years", year, index)
                if holiday.start.year != year:
                    problems.append((loc, f"{holiday.name} starts {holiday.start}, not in {year}"))
                if holiday.kind in kinds:
                    problems.append((loc, f"{holiday.name} is listed twice for {year}"))
                kinds.add(holiday.kind)
        ordered = sorted(self.holidays(), key=lambda h: h.start)
        for before, after in pairwise(ordered):
            if after.start <= before.end:
                where = ("years", after.start.year)
                problems.append((where, f"{before.name} and {after.name} overlap"))
        if problems:
            raise RuleViolations(problems)
        return self

    def holidays(self) -> list[SchoolHoliday]:
        return sorted((h for hs in self.years.values() for h in hs), key=lambda h: h.start)

    def starting_within(self, span: DateRange) -> list[SchoolHoliday]:
        """The holidays that start inside `span`; refuses a span the data does not cover."""
        missing = [y for y in range(span.start.year, span.end.year + 1) if y not in self.years]
        if missing:
            known = ", ".join(str(y) for y in sorted(self.years))
            raise SchoolHolidaysUnknown(
                f"{self.title} has no school holidays for {missing[0]} (it knows {known})"
            )
        return [h for h in self.holidays() if h.start in span]

    def before(self, holiday: SchoolHoliday, days: int) -> DateRange:
        """The `days` days that end the day before `holiday` starts."""
        last = holiday.start - timedelta(days=1)
        return DateRange(start=last - timedelta(days=days - 1), end=last)
