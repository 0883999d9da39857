"""Durations as people write them in a routing file: `30s`, `5m`, `4h`, `1d`, `1h30m`.

Prometheus and Alertmanager write them so, and operations staff know the form. A bare
number is refused: YAML would hand us `30` and nobody could tell seconds from minutes.
"""

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

_UNITS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_WHOLE = re.compile(r"(?:\d+[wdhms])+")
_PART = re.compile(r"(\d+)([wdhms])")


def parse_duration(text: str) -> timedelta:
    """`1h30m` as a timedelta; ValueError that shows the expected form otherwise."""
    compact = text.strip()
    if not _WHOLE.fullmatch(compact):
        raise ValueError(f"{text!r} is not a duration; write e.g. '30s', '5m', '4h' or '1h30m'")
    units = [unit for _, unit in _PART.findall(compact)]
    if len(set(units)) != len(units) or units != sorted(units, key=list(_UNITS).index):
        raise ValueError(f"{text!r}: give each unit once, largest first (e.g. '1h30m')")
    return timedelta(seconds=sum(int(n) * _UNITS[unit] for n, unit in _PART.findall(compact)))


def format_duration(value: timedelta) -> str:
    """The shortest text `parse_duration` reads back as `value` (whole seconds)."""
    seconds = int(value.total_seconds())
    if seconds == 0:
        return "0s"
    parts: list[str] = []
    for unit, size in _UNITS.items():
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def _duration_input(value: Any) -> Any:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, str):
        return parse_duration(value)
    raise ValueError("write a duration with its unit, e.g. '30s', '5m' or '4h'")


Duration = Annotated[
    timedelta,
    BeforeValidator(_duration_input),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema({"type": "string", "pattern": _WHOLE.pattern, "examples": ["30s", "4h"]}),
]
"""A duration field of a routing file: read from `4h`, written back as `4h`."""
