"""Loading promises, and the data they rely on, from YAML files.

Every problem is reported with its file, line, column and field path, all at once:

    lund-2017.yaml:42:7 commitments[3].target.at_least: Input should be greater than 0

The promises that ship with Löfte (`default_promises`) live next to this module.
"""

from collections.abc import Iterator, Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path

from shared.promises.base import Loc
from shared.promises.model import Promise
from shared.promises.schedules import BeforeSchoolHolidays
from shared.promises.school_holidays import SchoolHolidayCalendar
from shared.promises.targets import RecurringTarget
from shared.promises.yamlfile import validate_yaml

# Explicit, not globbed: a stray file in the package must not become a shipped promise.
SHIPPED_PROMISES = ("lund-2017.yaml",)
SHIPPED_SCHOOL_HOLIDAYS = ("skollov-lund.yaml",)
DEFAULT_PROMISE_ID = "lund-2017"


def _shipped_text(name: str) -> str:
    return files("shared.promises").joinpath(name).read_text(encoding="utf-8")


def load_school_holidays_text(text: str, name: str) -> SchoolHolidayCalendar:
    return validate_yaml(SchoolHolidayCalendar, text, name)


@cache
def school_holiday_calendars() -> Mapping[str, SchoolHolidayCalendar]:
    """The shipped school-holiday calendars by id (`lund`)."""
    calendars = (load_school_holidays_text(_shipped_text(n), n) for n in SHIPPED_SCHOOL_HOLIDAYS)
    return {calendar.id: calendar for calendar in calendars}


def load_promise_text(
    text: str,
    name: str,
    calendars: Mapping[str, SchoolHolidayCalendar] | None = None,
    taken: Mapping[str, str] | None = None,
) -> Promise:
    """The promise in `text`; `name` is the file name its problems are reported under.

    A schedule before school holidays must name a known calendar (by default the shipped
    ones), since without dates it could never fall due. `taken` maps the ids of promises
    loaded already to where they came from: events and KPIs find a promise by its id.
    """
    known = school_holiday_calendars() if calendars is None else calendars

    def check(promise: Promise) -> Iterator[tuple[Loc, str]]:
        yield from _unknown_calendars(promise, known)
        if taken and promise.id in taken:
            yield ("id",), f"promise {promise.id!r} is loaded already, from {taken[promise.id]}"

    return validate_yaml(Promise, text, name, check)


def load_promise(
    path: str | Path,
    calendars: Mapping[str, SchoolHolidayCalendar] | None = None,
    taken: Mapping[str, str] | None = None,
) -> Promise:
    """The promise in the YAML file at `path`; OSError when it cannot be read."""
    source = Path(path)
    return load_promise_text(source.read_text(encoding="utf-8"), str(path), calendars, taken)


@cache
def _defaults() -> tuple[Promise, ...]:
    return tuple(load_promise_text(_shipped_text(name), name) for name in SHIPPED_PROMISES)


def default_promises() -> list[Promise]:
    """The promises that ship with Löfte, Lund 2017 first."""
    return list(_defaults())


def default_promise(promise_id: str = DEFAULT_PROMISE_ID) -> Promise | None:
    return next((p for p in _defaults() if p.id == promise_id), None)


def _unknown_calendars(
    promise: Promise, known: Mapping[str, SchoolHolidayCalendar]
) -> Iterator[tuple[Loc, str]]:
    for index, commitment in enumerate(promise.commitments):
        target = commitment.target
        if not isinstance(target, RecurringTarget):
            continue
        schedule = target.schedule
        if isinstance(schedule, BeforeSchoolHolidays) and schedule.calendar not in known:
            names = ", ".join(sorted(known)) or "none"
            message = f"unknown school-holiday calendar {schedule.calendar!r}; known: {names}"
            yield ("commitments", index, "target", "schedule", "calendar"), message
