"""Counting what an outcome (or an open count) is measured by, over a span of time.

A span is a period's days up to an instant: "1 March 2017 until now". The comparison is
the same span a year earlier, "1 March 2016 until this moment of 2016", so a half year is
never compared with a whole one.

Whether a source has *published* anything for a span is kept apart from the count: a
police feed that reported vandalism but no drug crime for a span did report, and its zero
drug crimes is a zero; a span from which no incident at all was reported has no data.
"""

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from services.metrics.domain.facts import TIME, D, Fact, Facts, on_days
from services.metrics.domain.kpis import Span
from services.metrics.domain.periods import ONE_DAY, moment_year_earlier, year_earlier
from shared.promises import CrimeStatistics


@dataclass(frozen=True, slots=True)
class Reach:
    """The local days [first, end) of a period, as far as the instant `until`."""

    first: date
    end: date
    until: datetime

    @classmethod
    def of(cls, period: Span, at: datetime) -> "Reach":
        return cls(period.start, period.end, at)

    def year_before(self, zone: ZoneInfo) -> "Reach":
        return Reach(
            year_earlier(self.first), year_earlier(self.end), moment_year_earlier(self.until, zone)
        )

    @property
    def days(self) -> Span:
        """The days reached so far (at least the first), as a span."""
        last = max(min(self.end, self.until.date() + ONE_DAY), self.first + ONE_DAY)
        return Span(self.first, last)

    def select(self, facts: Sequence[Fact[D]]) -> Sequence[Fact[D]]:
        """The facts reached, from facts in time order."""
        days = on_days(facts, self.first, self.end)
        return days[: bisect_right(days, self.until, key=TIME)]


@dataclass(frozen=True, slots=True)
class Tally:
    total: int
    by_category: dict[str, int]
    has_data: bool


def crime_tally(measure: CrimeStatistics, facts: Facts, reach: Reach) -> Tally:
    """Incidents of the measure's categories (and age band, if it names one)."""
    incidents = reach.select(facts.incidents)
    counts = dict.fromkeys(measure.categories, 0)
    for incident in incidents:
        data = incident.data
        if data.category in counts and measure.age_band in (None, data.age_band):
            counts[data.category] += data.count * incident.weight
    return Tally(sum(counts.values()), counts, has_data=bool(incidents))


def activity_tally(commitments: Sequence[str], facts: Facts, reach: Reach) -> Tally:
    """Completed activities of the commitments, by commitment."""
    counts = {
        c: sum(activity.weight for activity in reach.select(facts.activities_of(c)))
        for c in commitments
    }
    total = sum(counts.values())
    return Tally(total, counts, has_data=total > 0)


def judge(
    value: float | None, comparison: float | None, direction: Literal["up", "down"]
) -> tuple[float | None, bool | None]:
    """(change_ratio, good): the relative change, and whether it goes the wanted way.

    The ratio needs a comparison above zero; whether the change is good needs only a
    comparison. No change at all is not good: the promise wanted one.
    """
    if value is None or comparison is None:
        return None, None
    ratio = (value - comparison) / comparison if comparison else None
    return ratio, value > comparison if direction == "up" else value < comparison
