"""Amendments: changes to a promise's validity decided after it was made.

A promise file keeps its original `valid_to`; each amendment says, from its date on, what
the end became. Asking "until when is it valid?" as of a day applies only the amendments
dated on or before that day, so a past report reads as it did then.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import Field

from shared.promises.base import Frozen, Loc, Text


class ValidityExtended(Frozen):
    """A later end, or none at all (`valid_to` left out: valid until further notice)."""

    kind: Literal["validity-extended"]
    date: dt.date
    valid_to: dt.date | None = None
    description: Text


class ValidityEnded(Frozen):
    """An end sooner than planned, or an end put on an open promise."""

    kind: Literal["validity-ended"]
    date: dt.date
    valid_to: dt.date
    description: Text


Amendment = Annotated[ValidityExtended | ValidityEnded, Field(discriminator="kind")]


def effective_end(
    valid_to: dt.date | None, amendments: Iterable[Amendment], at: dt.date
) -> dt.date | None:
    """The end in force on `at`: the original one, changed by every amendment up to then."""
    end = valid_to
    for amendment in amendments:
        if amendment.date <= at:
            end = amendment.valid_to
    return end


def amendment_problems(
    valid_from: dt.date, valid_to: dt.date | None, amendments: tuple[Amendment, ...]
) -> list[tuple[Loc, str]]:
    """What is inconsistent in a promise's amendments, each with where it lies."""
    problems: list[tuple[Loc, str]] = []
    end = valid_to
    previous: dt.date | None = None
    for index, amendment in enumerate(amendments):
        loc: Loc = ("amendments", index)
        if previous is not None and amendment.date < previous:
            problems.append(((*loc, "date"), f"{amendment.date} comes before {previous}"))
        if amendment.date < valid_from:
            problems.append(((*loc, "date"), f"before the promise starts ({valid_from})"))
        new = amendment.valid_to
        if new is not None and new < valid_from:
            problems.append(((*loc, "valid_to"), f"before the promise starts ({valid_from})"))
        elif isinstance(amendment, ValidityExtended):
            if end is None:
                problems.append((loc, "the promise is already valid until further notice"))
            elif new is not None and new <= end:
                problems.append(((*loc, "valid_to"), f"not later than the current end {end}"))
        elif end is not None and amendment.valid_to >= end:
            problems.append(((*loc, "valid_to"), f"not sooner than the current end {end}"))
        end = new
        previous = amendment.date
    return problems
