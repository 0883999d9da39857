"""Reading the values of the KPI API's JSON without trusting their shape.

The site must keep answering when the metrics service changes what it sends: a value of
another type than expected reads as missing, never as an error page.
"""

from datetime import date, datetime
from typing import Any


def as_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_float(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def as_moment(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment if moment and moment.tzinfo else None


def as_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def as_period(value: Any) -> tuple[date, date] | None:
    """A span of the API, {"start", "end"} with the end excluded."""
    if not isinstance(value, dict):
        return None
    start, end = as_date(value.get("start")), as_date(value.get("end"))
    return (start, end) if start and end and start < end else None
