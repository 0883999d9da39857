"""Building blocks every part of a promise file shares.

Models are frozen and forbid unknown fields: a misspelt key in a promise file is an error
with a line number, never a silently ignored commitment. Collections are tuples so a
loaded promise cannot be changed by whoever holds it.
"""

import re
from collections.abc import Iterable
from datetime import time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from shared.contracts.events import Slug

ShortText = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


def _quoted_time(value: Any) -> Any:
    # YAML 1.1 reads an unquoted 10:30 as the base-60 integer 630, which pydantic would
    # take as 00:10:30. Refuse numbers so the mistake shows instead of a wrong meeting time.
    if isinstance(value, int | float):
        raise ValueError("write a time of day in quotes, e.g. '10:30'")
    return value


LocalTime = Annotated[time, BeforeValidator(_quoted_time)]
PositiveCount = Annotated[int, Field(gt=0, le=100_000)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Loc = tuple[str | int, ...]
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def format_path(loc: Loc) -> str:
    """`commitments[3].target.at_least`, as a person reads a place in a file."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _NAME.fullmatch(part):
            text += f".{part}"
        else:  # a mapping key such as an incident category, which has dots of its own
            text += f'["{part}"]'
    return text.lstrip(".")


class RuleViolations(ValueError):
    """Every broken rule one validator found, each with the path it concerns.

    pydantic turns a validator's exception into a single error at the model; the loader
    takes the problems back out of it so that each gets its own line and column.
    """

    def __init__(self, problems: Iterable[tuple[Loc, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{format_path(loc)}: {msg}" for loc, msg in self.problems))


def no_repeats(values: tuple[str, ...]) -> tuple[str, ...]:
    """An AfterValidator for lists where naming a thing twice is a slip."""
    repeats = duplicates_at(values)
    if repeats:
        raise ValueError(f"{repeats[0][1]!r} is listed twice")
    return values


def duplicates_at(ids: Iterable[str]) -> list[tuple[int, str]]:
    """(index, id) of every repeat after an id's first occurrence."""
    seen: set[str] = set()
    repeats: list[tuple[int, str]] = []
    for index, value in enumerate(ids):
        if value in seen:
            repeats.append((index, value))
        seen.add(value)
    return repeats


__all__ = [
    "WEEKDAYS",
    "Frozen",
    "Loc",
    "LocalTime",
    "PositiveCount",
    "RuleViolations",
    "ShortText",
    "Slug",
    "Text",
    "Weekday",
    "duplicates_at",
    "format_path",
    "no_repeats",
]
