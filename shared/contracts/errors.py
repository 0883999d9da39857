"""How a rejected event explains itself to whoever sent it."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pydantic import ValidationError

from shared.privacy.personnummer import redact

In = TypeVar("In")
Out = TypeVar("Out")


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason an event was refused, with where in the event it lies."""

    location: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"location": self.location, "message": self.message}


class InvalidEvent(ValueError):
    """An event that is malformed or breaks a rule; `problems` says what and where.

    The reasons go back to the sender and into logs and dead letters, so a personal identity
    number is never repeated in them, not even as part of a field's name.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(Problem(redact(p.location), redact(p.message)) for p in problems)
        super().__init__("; ".join(f"{p.location}: {p.message}" for p in self.problems))

    @classmethod
    def single(cls, location: str, message: str) -> "InvalidEvent":
        return cls([Problem(location, message)])

    @classmethod
    def from_validation_error(cls, error: ValidationError, prefix: str = "") -> "InvalidEvent":
        # The input is left out on purpose: it may hold what must never be echoed or logged.
        return cls(
            Problem(
                location=".".join(str(part) for part in (prefix, *err["loc"]) if part != ""),
                message=err["msg"],
            )
            for err in error.errors(include_url=False, include_input=False)
        )


def validate_each(items: Sequence[In], check: Callable[[In], Out]) -> list[Out]:
    """Apply `check` to every item; all pass, or one InvalidEvent lists every item's problems."""
    results: list[Out] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        try:
            results.append(check(item))
        except InvalidEvent as error:
            problems.extend(
                Problem(f"[{index}].{p.location}".rstrip("."), p.message) for p in error.problems
            )
    if problems:
        raise InvalidEvent(problems)
    return results
