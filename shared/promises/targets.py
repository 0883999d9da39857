"""What a commitment promises, one kind of target per shape of promise.

A target is a tagged union on `kind`, so a promise file states the shape outright and
an unknown kind is refused with the list of known ones:

- `count`: at least N activities a period, optionally only those meeting a condition;
- `recurring`: on a schedule (every Monday, every month, before each school holiday);
- `coverage`: every combination of some dimensions (organisation × place × month);
- `dated`: on given dates, or within a named window ("våren");
- `deliverable`: a one-off result (a folder, a document);
- `open-count`: no number promised; compared with the same period the year before.
"""

from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import Field

from shared.calendar import DateRange, PeriodKind
from shared.contracts.events import ActivityCompleted
from shared.promises.base import Frozen, PositiveCount, ShortText, Slug
from shared.promises.conditions import Condition, activity_meets
from shared.promises.coverage import CoverageTarget
from shared.promises.dated import DatedTarget
from shared.promises.schedules import HolidayRule, Schedule, Slot, due_slots
from shared.promises.school_holidays import SchoolHolidayCalendar


class CountTarget(Frozen):
    kind: Literal["count"]
    at_least: PositiveCount
    period: PeriodKind = "year"
    condition: Condition | None = None

    def counts(self, activity: ActivityCompleted) -> bool:
        """Whether a completed activity counts towards this target."""
        return activity_meets(self.condition, activity)


class RecurringTarget(Frozen):
    kind: Literal["recurring"]
    schedule: Schedule
    public_holidays: HolidayRule = Field(
        default="skip", description="what a weekly slot on a holiday becomes"
    )
    reporting_grace: timedelta = Field(
        default=timedelta(hours=24),
        ge=timedelta(0),
        le=timedelta(days=31),
        description="how long after a slot its report may arrive before it counts as missed",
    )

    def due_slots(
        self, within: DateRange, school_holidays: SchoolHolidayCalendar | None = None
    ) -> list[Slot]:
        return due_slots(self.schedule, self.public_holidays, within, school_holidays)


class DeliverableTarget(Frozen):
    kind: Literal["deliverable"]
    title: ShortText
    due: date | None = None


class OpenCountTarget(Frozen):
    """Counted and shown, with no number promised: more than the year before is better."""

    kind: Literal["open-count"]
    period: PeriodKind = "year"
    compared_with: Literal["same-period-previous-year"] = "same-period-previous-year"
    indicator: Slug | None = Field(
        default=None,
        description="an outcome indicator of the promise that supplies the count, "
        "when it comes from statistics rather than from reported activities",
    )


Target = Annotated[
    CountTarget
    | RecurringTarget
    | CoverageTarget
    | DatedTarget
    | DeliverableTarget
    | OpenCountTarget,
    Field(discriminator="kind"),
]
