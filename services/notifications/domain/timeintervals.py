"""Mute timings: named stretches of the week when routine notifications wait.

A time interval covers a moment when ANY of its entries does; an entry covers it when ALL
it sets hold (an entry that sets nothing covers everything):

    time_intervals:
      fritid:
        any_of:
          - times: [{start: "22:00", end: "07:00"}]   # every night
          - weekdays: ["saturday:sunday"]             # whole weekend days
          - public_holidays: true                     # whole public holidays
            de_facto_holidays: true                   # and julafton & co.

- `weekdays`: names or inclusive ranges (`monday:friday`) of the day the span starts on;
- `times`: local time-of-day ranges, start included, end excluded; an end at or before the
  start runs past midnight and belongs to the day it starts on (Friday 22:00-07:00 ends on
  Saturday), without `times` the whole day;
- `public_holidays: true`: Swedish public holidays (`shared.calendar`, computed, never typed
  in); `de_facto_holidays: true`: midsommarafton, julafton and nyårsafton; both: either.

Times are wall-clock times in Europe/Stockholm, so "07:00" stays 07:00 across the changes
to and from summer time; instants are compared in UTC, never as naive wall times.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Final, Self
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, Field, model_validator

from shared.calendar import is_de_facto_holiday, is_public_holiday
from shared.promises.base import WEEKDAYS, Frozen, LocalTime

ZONE: Final = ZoneInfo("Europe/Stockholm")
# A mute timing that never ends (every entry empty, say) must not loop for ever: after
# this long the notification goes out anyway, and the planner asks again.
_HORIZON: Final = timedelta(days=400)


def _weekdays(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    first, _, last = value.strip().lower().partition(":")
    for name in (first, last or first):
        if name not in WEEKDAYS:
            raise ValueError(f"{name!r} is not a weekday; write e.g. 'monday' or 'monday:friday'")
    start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
    if end < start:
        raise ValueError(f"{value!r}: write the days in week order, e.g. 'monday:friday'")
    return tuple(range(start, end + 1))


WeekdayRange = Annotated[tuple[int, ...], BeforeValidator(_weekdays)]


class TimeRange(Frozen):
    start: LocalTime
    end: LocalTime

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if self.start == self.end:
            raise ValueError("start and end are equal; leave `times` out for the whole day")
        return self


class TimeSpec(Frozen):
    weekdays: tuple[WeekdayRange, ...] = ()
    times: tuple[TimeRange, ...] = ()
    public_holidays: bool = False
    de_facto_holidays: bool = False

    def applies_on(self, day: date) -> bool:
        if self.weekdays and not any(day.weekday() in days for days in self.weekdays):
            return False
        if not (self.public_holidays or self.de_facto_holidays):
            return True
        return (self.public_holidays and is_public_holiday(day)) or (
            self.de_facto_holidays and is_de_facto_holiday(day)
        )

    def spans(self, day: date) -> list[tuple[datetime, datetime]]:
        """The UTC spans this entry covers that start on local `day`."""
        if not self.applies_on(day):
            return []
        if not self.times:
            return [(_instant(day, time()), _instant(day + timedelta(days=1), time()))]
        next_day = day + timedelta(days=1)
        return [
            (_instant(day, r.start), _instant(next_day if r.end <= r.start else day, r.end))
            for r in self.times
        ]


class TimeInterval(Frozen):
    any_of: Annotated[tuple[TimeSpec, ...], Field(min_length=1)]


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC. Aware instants in one ZoneInfo compare and add as wall times in
    Python, wrong across a change of summer time, so every rule works in UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; give an aware instant")
    return moment.astimezone(UTC)


def _instant(day: date, at: time) -> datetime:
    # fold=0: a wall time skipped in spring reads as if summer time had not begun, one
    # that happens twice in autumn as the first of the two.
    return datetime.combine(day, at, tzinfo=ZONE).astimezone(UTC)


def _covered_until(intervals: Iterable[TimeInterval], at: datetime) -> datetime | None:
    """The latest end among the spans that contain `at` (UTC), or None when none does."""
    today = at.astimezone(ZONE).date()
    # Spans last under a day, so only those starting today or yesterday can contain `at`.
    ends = [
        end
        for interval in intervals
        for entry in interval.any_of
        for day in (today - timedelta(days=1), today)
        for start, end in entry.spans(day)
        if start <= at < end
    ]
    return max(ends, default=None)


def is_muted(intervals: Iterable[TimeInterval], at: datetime) -> bool:
    return _covered_until(tuple(intervals), as_utc(at)) is not None


def muted_until(intervals: Iterable[TimeInterval], at: datetime) -> datetime | None:
    """None when `at` is not muted; else the first moment after it that is not (UTC).

    Back-to-back windows chain: 23:10 on a Friday runs through the night, the weekend and
    Sunday night to Monday 07:00, or to Tuesday 07:00 when that Monday is a holiday.
    """
    chosen = tuple(intervals)
    start = as_utc(at)
    moment = start
    while (end := _covered_until(chosen, moment)) is not None:
        moment = end
        if moment - start > _HORIZON:
            break
    return None if moment == start else moment
