"""The period a follow-up report covers: a year (`2017`) or a half year (`2017H1`, `2017H2`).

The report shows the KPIs as they stood at the end of it: every event that happened by then
counts, however late it was reported, and nothing after. What the organisations said about
the period (explanations, often published in the January after a year) and what they
retracted is read as known when the report is made. A period not over yet is shown as it
stands now.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_PERIOD = re.compile(r"(?P<year>\d{4})(?:H(?P<half>[12]))?")


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    label: str
    first: date
    last: date

    @property
    def is_half_year(self) -> bool:
        return "H" in self.label

    def evaluated_at(self, zone: ZoneInfo, now: datetime) -> datetime:
        """The period's end (midnight after its last day, in the promise's time zone: the
        moment a year's verdicts fall), or now if that is still to come."""
        return min(datetime.combine(self.last + timedelta(days=1), time(), zone), now)


def parse_period(text: str) -> ReportPeriod:
    """ValueError unless `text` is a year or a half year, e.g. 2017 or 2017H1."""
    found = _PERIOD.fullmatch(text.strip().upper())
    if not found or not 2000 <= int(found["year"]) <= 2999:
        raise ValueError(f"{text!r} is not a year (2017) or a half year (2017H1, 2017H2)")
    year = int(found["year"])
    if found["half"] is None:
        return ReportPeriod(str(year), date(year, 1, 1), date(year, 12, 31))
    if found["half"] == "1":
        return ReportPeriod(f"{year}H1", date(year, 1, 1), date(year, 6, 30))
    return ReportPeriod(f"{year}H2", date(year, 7, 1), date(year, 12, 31))
