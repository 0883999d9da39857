"""Follow-up periods: the calendar year, quarter, month or ISO week a day falls in.

Days, not instants: a period is the local dates it spans in the promise's time zone
(Europe/Stockholm for Lund), so an activity reported at 23:30 on 31 December counts for
that year however far UTC has moved on. Converting an event's time to a local date is the
caller's job; these functions only know dates.
"""

from datetime import date, timedelta
from typing import Final, Literal, Self

from pydantic import BaseModel, ConfigDict, model_validator

PeriodKind = Literal["week", "month", "quarter", "year"]
# Finest first: a coverage "every month within the year" needs month finer than year.
PERIOD_KINDS: Final[tuple[PeriodKind, ...]] = ("week", "month", "quarter", "year")


class DateRange(BaseModel):
    """The days from `start` to `end`, both included."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: date
    end: date

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def overlaps(self, other: "DateRange") -> bool:
        return self.start <= other.end and other.start <= self.end


def is_finer(kind: PeriodKind, than: PeriodKind) -> bool:
    return PERIOD_KINDS.index(kind) < PERIOD_KINDS.index(than)


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def period_containing(kind: PeriodKind, day: date) -> DateRange:
    """The period of `kind` that `day` lies in; weeks are ISO weeks, Monday to Sunday."""
    if kind == "year":
        return DateRange(start=date(day.year, 1, 1), end=date(day.year, 12, 31))
    if kind == "quarter":
        first_month = 3 * ((day.month - 1) // 3) + 1
        return DateRange(
            start=date(day.year, first_month, 1), end=_month_end(day.year, first_month + 2)
        )
    if kind == "month":
        return DateRange(start=day.replace(day=1), end=_month_end(day.year, day.month))
    monday = day - timedelta(days=day.weekday())
    return DateRange(start=monday, end=monday + timedelta(days=6))


def periods_overlapping(kind: PeriodKind, span: DateRange) -> list[DateRange]:
    """Every whole period of `kind` that shares at least one day with `span`, in order."""
    periods = [period_containing(kind, span.start)]
    while periods[-1].end < span.end:
        periods.append(period_containing(kind, periods[-1].end + timedelta(days=1)))
    return periods
