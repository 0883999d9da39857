"""Conditions an activity must meet to count for a commitment.

A safety walk counts for `trygghetsvandringar-ungdomar` only if youths walked along, so
the commitment says `condition: {participants.youths: {at_least: 1}}`. Conditions name
fields of the `activity.completed` event by path; the paths are a closed list, so a typo
is a validation error rather than a condition that never holds.
"""

from collections.abc import Callable, Mapping
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from shared.contracts.events import ActivityCompleted
from shared.promises.base import Frozen

ActivityField = Literal["participants.youths", "participants.adults", "participants.volunteers"]

_READERS: Mapping[ActivityField, Callable[[ActivityCompleted], int | None]] = {
    "participants.youths": lambda a: a.participants.youths if a.participants else None,
    "participants.adults": lambda a: a.participants.adults if a.participants else None,
    "participants.volunteers": lambda a: a.participants.volunteers if a.participants else None,
}

Bound = Annotated[int, Field(ge=0)]


class Comparison(Frozen):
    """Bounds on a number, both included; at least one of them is given."""

    at_least: Bound | None = None
    at_most: Bound | None = None

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        if self.at_least is None and self.at_most is None:
            raise ValueError("give at_least, at_most or both")
        if self.at_least is not None and self.at_most is not None and self.at_most < self.at_least:
            raise ValueError(f"at_most {self.at_most} is below at_least {self.at_least}")
        return self

    def holds(self, value: int | None) -> bool:
        # An activity that does not say how many youths took part cannot be counted as
        # one with youths: the follow-up should ask for the number, not assume it.
        if value is None:
            return False
        if self.at_least is not None and value < self.at_least:
            return False
        return self.at_most is None or value <= self.at_most


Condition = Annotated[dict[ActivityField, Comparison], Field(min_length=1)]


def activity_meets(condition: Condition | None, activity: ActivityCompleted) -> bool:
    """Whether `activity` satisfies every comparison of `condition` (no condition: yes)."""
    if condition is None:
        return True
    return all(check.holds(_READERS[field](activity)) for field, check in condition.items())
