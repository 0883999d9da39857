"""What every rule of one evaluation shares: the promise, the instant, the facts, and the
periods of the promise they are evaluated over."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.metrics.domain.facts import Facts
from services.metrics.domain.kpis import Span
from services.metrics.domain.periods import ONE_DAY, midnight
from shared.calendar import PeriodKind, period_containing
from shared.promises import Promise, SchoolHolidayCalendar


def promise_period(promise: Promise, kind: PeriodKind, day: date, today: date) -> Span:
    """The period of `kind` containing `day`, cut to the promise's validity.

    Before the promise starts that is its first period; after it ended (as amended by
    `today`), its last. A period never starts before `valid_from` nor ends after the end.
    """
    end = promise.effective_valid_to(today)
    day = max(day, promise.valid_from)
    if end is not None:
        day = min(day, end)
    whole = period_containing(kind, day)
    last = whole.end if end is None else min(whole.end, end)
    return Span(max(whole.start, promise.valid_from), last + ONE_DAY)


@dataclass(frozen=True, slots=True)
class Context:
    promise: Promise
    facts: Facts
    at: datetime  # the evaluation instant, in the promise's zone
    reference: date  # the day whose periods are evaluated: usually `at`'s local date
    calendars: Mapping[str, SchoolHolidayCalendar]

    @property
    def zone(self) -> ZoneInfo:
        return self.promise.zone

    @property
    def today(self) -> date:
        return self.at.date()

    def period(self, kind: PeriodKind | None = None, day: date | None = None) -> Span:
        """The period of `kind` (the promise's own by default) containing `day`."""
        return promise_period(
            self.promise, kind or self.promise.period, day or self.reference, self.today
        )

    def begins(self, day: date) -> datetime:
        return midnight(day, self.zone)

    def has_started(self, span: Span) -> bool:
        return self.at >= self.begins(span.start)

    def has_ended(self, span: Span) -> bool:
        return self.at >= self.begins(span.end)
