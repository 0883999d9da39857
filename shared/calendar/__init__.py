"""The Swedish calendar the follow-up runs on: public holidays and follow-up periods.

Everything here is computed, pure and free of I/O, so any year can be asked about.
"""

from shared.calendar.holidays import (
    de_facto_holidays,
    easter_sunday,
    is_de_facto_holiday,
    is_public_holiday,
    is_working_day,
    public_holidays,
    working_day_on_or_after,
)
from shared.calendar.periods import (
    PERIOD_KINDS,
    DateRange,
    PeriodKind,
    is_finer,
    period_containing,
    periods_overlapping,
)

__all__ = [
    "PERIOD_KINDS",
    "DateRange",
    "PeriodKind",
    "de_facto_holidays",
    "easter_sunday",
    "is_de_facto_holiday",
    "is_finer",
    "is_public_holiday",
    "is_working_day",
    "period_containing",
    "periods_overlapping",
    "public_holidays",
    "working_day_on_or_after",
]
