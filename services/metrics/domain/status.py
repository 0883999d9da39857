"""How a commitment or an outcome stands: the status rules, one function per kind of target.

Every rule first asks whether the commitment's period has begun: before it (before the
promise's `valid_from`) the status is **not-started**. The period is the period of the
target's kind containing the evaluation day (the calendar year by default), cut to begin
no earlier than `valid_from`; it ends at local midnight after its last day.

- **count** (at least N a period): *achieved* once done ≥ target; *missed* if the period
  has ended with done < target; otherwise, with expected = target × elapsed share of the
  period, *on-track* if done ≥ ⌊expected⌋, *at-risk* if done ≥ expected − 1, else *behind*.
- **recurring** (every Monday, before each school holiday): a slot is missed when it ended
  more than the reporting grace ago without an activity in it. *missed* if the period has
  ended with any missed slot; *achieved* if it has ended with none and every slot is
  decided (none still within its grace, none moved past the period's end by a holiday);
  otherwise *on-track* with no missed slot, *at-risk* with missed slots making at most
  10 % of the slots begun so far, *behind* with more.
- **coverage** (organisation × place × month): a gap is a cell uncovered when its
  sub-period ended. *missed* if the period has ended with gaps; *achieved* if it ended
  without; otherwise *on-track* without gaps, *at-risk* with gaps in at most one ended
  sub-period, *behind* with gaps in more.
- **dated** (fixed occurrences, or a window): *missed* once an occurrence (or the window)
  ended more than 24 hours ago unheld; *achieved* when all are held; otherwise *at-risk*
  when the next unheld occurrence starts (or the window ends) within 14 days, *on-track*
  before that.
- **deliverable**: *achieved* once completed; *missed* when its due day has passed
  without; *at-risk* with the due day 30 days away or nearer; otherwise (or with no due
  day) *on-track*.
- **open-count** (nothing promised, compared with the same span a year earlier):
  *awaiting-data* with no data in either span; *on-track* if done ≥ previous, else
  *at-risk*. Never missed: nothing was promised.
- **outcomes**: *awaiting-data* while the source has published nothing for the period
  nor for the comparison; *on-track* when the change goes the wanted way (or cannot be
  judged yet); *behind* when it does not.

Worked example, `trygghetsvandringar-ungdomar` of Lund 2017 (at least 2 walks with youths
in the year; the promise is valid from 1 March, so the period is 1 March 2017 to
1 January 2018, 306 days). On 1 August 2017 at 01:00 (summer time) 153 days have passed,
half the period, so expected = 2 × 153/306 = 1.0:

    walks with youths   status     why
    0                   at-risk    0 < ⌊1.0⌋ = 1, but 0 ≥ 1.0 − 1
    1                   on-track   1 ≥ ⌊1.0⌋
    2                   achieved   2 ≥ target, whenever it happens

An hour later expected is 1.00027: with no walk that is *behind* (0 < 1.00027 − 1). A walk
without youths counts nowhere here; reported for `handelsebaserade-trygghetsvandringar`
(no condition) it counts there. On 1 January 2018 the year is over: fewer than 2 is *missed*.
"""

from datetime import date, timedelta
from fractions import Fraction
from math import floor

from shared.contracts.kpis import Status

DATED_GRACE = timedelta(hours=24)
DATED_NOTICE = timedelta(days=14)
DELIVERABLE_NOTICE_DAYS = 30


def count_status(
    *, started: bool, ended: bool, done: int, target: int, expected: Fraction
) -> Status:
    if not started:
        return Status.NOT_STARTED
    if done >= target:
        return Status.ACHIEVED
    if ended:
        return Status.MISSED
    if done >= floor(expected):
        return Status.ON_TRACK
    if done >= expected - 1:
        return Status.AT_RISK
    return Status.BEHIND


def recurring_status(
    *, started: bool, ended: bool, slots_due: int, missed: int, undecided: int
) -> Status:
    """`undecided`: the period's slots neither held nor missed yet (running, within their
    reporting grace, or moved past the period's end by a holiday)."""
    if not started:
        return Status.NOT_STARTED
    if ended and missed:
        return Status.MISSED
    if ended and not undecided:
        return Status.ACHIEVED
    if not missed:
        return Status.ON_TRACK
    return Status.AT_RISK if 10 * missed <= slots_due else Status.BEHIND


def coverage_status(*, started: bool, ended: bool, sub_periods_with_gaps: int) -> Status:
    if not started:
        return Status.NOT_STARTED
    if ended:
        return Status.MISSED if sub_periods_with_gaps else Status.ACHIEVED
    if not sub_periods_with_gaps:
        return Status.ON_TRACK
    return Status.AT_RISK if sub_periods_with_gaps == 1 else Status.BEHIND


def dated_status(
    *, started: bool, missed: bool, all_held: bool, next_deadline: timedelta | None
) -> Status:
    """`next_deadline`: from now to the next unheld occurrence's start or the window's end."""
    if not started:
        return Status.NOT_STARTED
    if missed:
        return Status.MISSED
    if all_held:
        return Status.ACHIEVED
    if next_deadline is not None and next_deadline <= DATED_NOTICE:
        return Status.AT_RISK
    return Status.ON_TRACK


def deliverable_status(*, started: bool, completed: bool, due: date | None, today: date) -> Status:
    if not started:
        return Status.NOT_STARTED
    if completed:
        return Status.ACHIEVED
    if due is None:
        return Status.ON_TRACK
    if today > due:
        return Status.MISSED
    if (due - today).days <= DELIVERABLE_NOTICE_DAYS:
        return Status.AT_RISK
    return Status.ON_TRACK


def open_count_status(*, started: bool, has_data: bool, done: int, previous: int) -> Status:
    if not started:
        return Status.NOT_STARTED
    if not has_data:
        return Status.AWAITING_DATA
    return Status.ON_TRACK if done >= previous else Status.AT_RISK


def outcome_status(*, started: bool, has_data: bool, good: bool | None) -> Status:
    if not started:
        return Status.NOT_STARTED
    if not has_data:
        return Status.AWAITING_DATA
    return Status.BEHIND if good is False else Status.ON_TRACK
