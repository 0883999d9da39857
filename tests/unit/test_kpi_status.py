"""The status rules at their boundaries, as `status.py` states them."""

from datetime import date, timedelta
from fractions import Fraction

import pytest

from services.metrics.domain.status import (
    count_status,
    coverage_status,
    dated_status,
    deliverable_status,
    open_count_status,
    outcome_status,
    recurring_status,
)
from shared.contracts.kpis import Status

RUNNING = {"started": True, "ended": False}


@pytest.mark.parametrize(
    ("done", "expected", "status"),
    [
        (3, Fraction(3), Status.ON_TRACK),  # exactly at ⌊expected⌋
        (2, Fraction(3), Status.AT_RISK),  # exactly expected − 1
        (2, Fraction(31, 10), Status.BEHIND),  # just below expected − 1
        (3, Fraction(39, 10), Status.ON_TRACK),  # ⌊3.9⌋ = 3
        (0, Fraction(99, 100), Status.ON_TRACK),  # nothing is expected before 1.0
        (5, Fraction(1), Status.ACHIEVED),  # the target, whenever
    ],
)
def test_count(done: int, expected: Fraction, status: Status) -> None:
    assert count_status(**RUNNING, done=done, target=5, expected=expected) is status


def test_count_before_and_after_its_period() -> None:
    before = count_status(started=False, ended=False, done=0, target=2, expected=Fraction(0))
    after = count_status(started=True, ended=True, done=1, target=2, expected=Fraction(2))

    assert (before, after) == (Status.NOT_STARTED, Status.MISSED)


@pytest.mark.parametrize(
    ("slots_due", "missed", "status"),
    [
        (10, 0, Status.ON_TRACK),
        (10, 1, Status.AT_RISK),  # 10 %
        (9, 1, Status.BEHIND),  # 11 %
        (20, 2, Status.AT_RISK),
        (20, 3, Status.BEHIND),
    ],
)
def test_recurring_while_the_period_runs(slots_due: int, missed: int, status: Status) -> None:
    result = recurring_status(**RUNNING, slots_due=slots_due, missed=missed, undecided=5)

    assert result is status


def test_recurring_once_the_period_has_ended() -> None:
    def ended(missed: int, undecided: int) -> Status:
        return recurring_status(
            started=True, ended=True, slots_due=43, missed=missed, undecided=undecided
        )

    assert ended(missed=1, undecided=0) is Status.MISSED
    assert ended(missed=0, undecided=0) is Status.ACHIEVED
    assert ended(missed=0, undecided=1) is Status.ON_TRACK  # a report may still come


@pytest.mark.parametrize(
    ("ended", "with_gaps", "status"),
    [
        (False, 0, Status.ON_TRACK),
        (False, 1, Status.AT_RISK),
        (False, 2, Status.BEHIND),
        (True, 0, Status.ACHIEVED),
        (True, 1, Status.MISSED),
    ],
)
def test_coverage(ended: bool, with_gaps: int, status: Status) -> None:
    assert coverage_status(started=True, ended=ended, sub_periods_with_gaps=with_gaps) is status


@pytest.mark.parametrize(
    ("missed", "all_held", "next_deadline", "status"),
    [
        (True, False, None, Status.MISSED),
        (False, True, None, Status.ACHIEVED),
        (False, False, timedelta(days=14), Status.AT_RISK),
        (False, False, timedelta(days=14, seconds=1), Status.ON_TRACK),
        (False, False, -timedelta(hours=3), Status.AT_RISK),  # overdue, within its grace
    ],
)
def test_dated(
    missed: bool, all_held: bool, next_deadline: timedelta | None, status: Status
) -> None:
    result = dated_status(
        started=True, missed=missed, all_held=all_held, next_deadline=next_deadline
    )

    assert result is status


@pytest.mark.parametrize(
    ("completed", "today", "status"),
    [
        (False, date(2017, 5, 30), Status.ON_TRACK),  # 31 days
        (False, date(2017, 5, 31), Status.AT_RISK),  # 30 days
        (False, date(2017, 6, 30), Status.AT_RISK),  # the due day itself
        (False, date(2017, 7, 1), Status.MISSED),
        (True, date(2017, 7, 1), Status.ACHIEVED),
    ],
)
def test_deliverable(completed: bool, today: date, status: Status) -> None:
    due = date(2017, 6, 30)

    assert deliverable_status(started=True, completed=completed, due=due, today=today) is status


def test_deliverable_without_a_due_day_is_never_late() -> None:
    result = deliverable_status(started=True, completed=False, due=None, today=date(2030, 1, 1))

    assert result is Status.ON_TRACK


@pytest.mark.parametrize(
    ("has_data", "done", "previous", "status"),
    [
        (False, 0, 0, Status.AWAITING_DATA),
        (True, 4, 4, Status.ON_TRACK),
        (True, 3, 4, Status.AT_RISK),
    ],
)
def test_open_count(has_data: bool, done: int, previous: int, status: Status) -> None:
    result = open_count_status(started=True, has_data=has_data, done=done, previous=previous)

    assert result is status


@pytest.mark.parametrize(
    ("has_data", "good", "status"),
    [
        (False, None, Status.AWAITING_DATA),
        (True, None, Status.ON_TRACK),
        (True, True, Status.ON_TRACK),
        (True, False, Status.BEHIND),
    ],
)
def test_outcome(has_data: bool, good: bool | None, status: Status) -> None:
    assert outcome_status(started=True, has_data=has_data, good=good) is status
