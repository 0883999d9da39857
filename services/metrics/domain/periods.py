"""Periods and instants: which days a KPI is about, and how much of them has passed.

A period is local dates, half-open (`Span`); it begins at local midnight of its first day
and ends at local midnight after its last. Elapsed time is measured between instants, so
the hour lost to summer time in March is not counted as an hour of work.
"""

from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from services.metrics.domain.kpis import Span
from shared.calendar import DateRange

ONE_DAY = timedelta(days=1)


def midnight(day: date, zone: ZoneInfo) -> datetime:
    """The instant `day` begins in `zone`."""
    return datetime.combine(day, time(0), tzinfo=zone)


def to_span(days: DateRange) -> Span:
    return Span(days.start, days.end + ONE_DAY)


def to_range(span: Span) -> DateRange:
    return DateRange(start=span.start, end=span.end - ONE_DAY)


def elapsed_share(span: Span, at: datetime, zone: ZoneInfo) -> Fraction:
    """How much of `span` has passed at `at`, from 0 to 1, exactly (no float rounding)."""
    start = midnight(span.start, zone).astimezone(UTC)
    end = midnight(span.end, zone).astimezone(UTC)
    passed = min(max(at.astimezone(UTC) - start, timedelta(0)), end - start)
    micro = timedelta(microseconds=1)
    return Fraction(passed // micro, (end - start) // micro)


def year_earlier(day: date) -> date:
    """The same day a year before; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def moment_year_earlier(at: datetime, zone: ZoneInfo) -> datetime:
    """The same local wall-clock time a year before."""
    local = at.astimezone(zone)
    return datetime.combine(year_earlier(local.date()), local.timetz())


def days_left(span: Span, today: date) -> int:
    """Days from `today` (counted) to the end of `span`; 0 once it is over."""
    return max((span.end - today).days, 0)
