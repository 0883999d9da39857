"""KPI rules. Pure: no I/O; times are interpreted in the promise's local time zone."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from shared.contracts.cloudevents import CloudEvent
from shared.contracts.events import ActivityCompleted, EventData


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A calendar year, the default period of a commitment: [start, end)."""

    start: date
    end: date

    @classmethod
    def year_of(cls, moment: datetime, zone: ZoneInfo) -> "Period":
        year = moment.astimezone(zone).year
        return cls(date(year, 1, 1), date(year + 1, 1, 1))


@dataclass(frozen=True, slots=True)
class KnownEvent:
    envelope: CloudEvent
    data: EventData


def completed_activities(
    events: Iterable[KnownEvent], zone: ZoneInfo
) -> Counter[tuple[str, Period]]:
    """How many activities each (commitment, period) gained from `events`."""
    gained: Counter[tuple[str, Period]] = Counter()
    for known in events:
        if isinstance(known.data, ActivityCompleted):
            gained[(known.data.commitment, Period.year_of(known.envelope.time, zone))] += 1
    return gained
