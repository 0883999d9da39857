"""When a recurring commitment is due, and what a public holiday does to it.

`due_slots` turns a schedule into the spans an activity must fall in: one day for a
weekly meeting (moved or dropped on holidays by the commitment's rule), a month for a
monthly one, the days before each school holiday for checks made "inför skollov".

A holiday moves a weekly slot to give the parties a working day, not to forbid the day the
schedule names: a meeting held on annandag påsk anyway is held, not missed. So a moved
slot keeps its nominal day, and an activity on any day from it through the moved day meets it.
"""

from datetime import date, timedelta
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from shared.calendar import (
    DateRange,
    is_de_facto_holiday,
    is_public_holiday,
    periods_overlapping,
    working_day_on_or_after,
)
from shared.promises.base import WEEKDAYS, Frozen, LocalTime, Slug, Weekday
from shared.promises.school_holidays import SchoolHolidayCalendar, SchoolHolidayKind

HolidayRule = Literal["skip", "next-working-day", "same-day"]


class TimeWindow(Frozen):
    """Local time of day, in the promise's time zone."""

    start: LocalTime
    end: LocalTime

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.end <= self.start:
            raise ValueError(f"end {self.end} is not after start {self.start}")
        return self


class Weekly(Frozen):
    kind: Literal["weekly"]
    weekday: Weekday
    window: TimeWindow | None = None


class Monthly(Frozen):
    """At least once in every calendar month."""

    kind: Literal["monthly"]


class BeforeSchoolHolidays(Frozen):
    """Within `within_days` days before each school holiday of a school-holiday calendar."""

    kind: Literal["before-school-holidays"]
    calendar: Slug = Field(description="id of a school-holiday calendar, e.g. lund")
    holidays: tuple[SchoolHolidayKind, ...] | None = Field(
        default=None, description="which holidays; all of them when left out"
    )
    within_days: Annotated[int, Field(ge=1, le=60)] = 14


class Slot(DateRange):
    """The days one activity is due in (`start` through `end`), and, when a holiday moved
    the slot, the day the schedule named (`nominal`, before `start`)."""

    nominal: date | None = None

    @model_validator(mode="after")
    def _nominal_before_start(self) -> Self:
        if self.nominal is not None and self.nominal >= self.start:
            raise ValueError(f"nominal day {self.nominal} is not before start {self.start}")
        return self

    @property
    def met_from(self) -> date:
        """The first day an activity meets the slot on."""
        return self.start if self.nominal is None else self.nominal


Schedule = Annotated[Weekly | Monthly | BeforeSchoolHolidays, Field(discriminator="kind")]


def _is_holiday(day: date) -> bool:
    # Offices close on julafton and midsommarafton as on a public holiday, so a meeting
    # set on one is as unlikely to happen.
    return is_public_holiday(day) or is_de_facto_holiday(day)


def due_slots(
    schedule: Weekly | Monthly | BeforeSchoolHolidays,
    rule: HolidayRule,
    within: DateRange,
    school_holidays: SchoolHolidayCalendar | None = None,
) -> list[Slot]:
    """The slots, in order, in each of which one activity is due during `within`.

    The holiday rule only moves single days (weekly schedules); a month or the days
    before a school holiday always contain working days.
    """
    if isinstance(schedule, Weekly):
        return _weekly(schedule, rule, within)
    if isinstance(schedule, Monthly):
        return [
            Slot(start=max(m.start, within.start), end=min(m.end, within.end))
            for m in periods_overlapping("month", within)
        ]
    if school_holidays is None or school_holidays.id != schedule.calendar:
        raise ValueError(f"the school-holiday calendar {schedule.calendar!r} is needed")
    wanted = schedule.holidays
    reach = DateRange(start=within.start, end=within.end + timedelta(days=schedule.within_days))
    spans = [
        school_holidays.before(holiday, schedule.within_days)
        for holiday in school_holidays.starting_within(reach)
        if wanted is None or holiday.kind in wanted
    ]
    return [Slot(start=span.start, end=span.end) for span in spans if span.end in within]


def _weekly(schedule: Weekly, rule: HolidayRule, within: DateRange) -> list[Slot]:
    offset = (WEEKDAYS.index(schedule.weekday) - within.start.weekday()) % 7
    day = within.start + timedelta(days=offset)
    slots: list[Slot] = []
    while day <= within.end:
        if not _is_holiday(day) or rule == "same-day":
            slots.append(Slot(start=day, end=day))
        elif rule == "next-working-day":
            moved = working_day_on_or_after(day)
            slots.append(Slot(start=moved, end=moved, nominal=day))
        day += timedelta(days=7)
    return slots
