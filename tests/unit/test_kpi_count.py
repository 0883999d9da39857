"""Count targets on Lund 2017: safety walks and volunteer operations, at the boundaries.

The promise is valid from 1 March 2017, so a year's period is 1 March 2017 to 1 January
2018: 306 days. Half of it has passed at 1 August 01:00 summer time (00:00 winter time),
where a target of 2 expects exactly 1.0 and a target of 5 expects 2.5.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from services.metrics.domain.kpis import Span
from shared.contracts.kpis import Status
from tests.unit.lund_events import activity, commitment_at, local

WALKS_WITH_YOUTHS = "trygghetsvandringar-ungdomar"
EVENT_BASED_WALKS = "handelsebaserade-trygghetsvandringar"
HALF_YEAR = local(2017, 8, 1, 1)
YEAR_2017 = Span(date(2017, 3, 1), date(2018, 1, 1))
ALL = ("raddningstjansten", "kommunen", "polisen")


def test_a_walk_without_youths_counts_for_event_based_walks_but_not_for_walks_with_youths() -> None:
    events = [
        activity(WALKS_WITH_YOUTHS, local(2017, 4, 12, 18), organisations=ALL, youths=0),
        activity(WALKS_WITH_YOUTHS, local(2017, 4, 19, 18), organisations=ALL),  # not said
        activity(EVENT_BASED_WALKS, local(2017, 4, 26, 18)),
        activity(WALKS_WITH_YOUTHS, local(2017, 5, 3, 18), organisations=ALL, youths=9),
    ]

    with_youths = commitment_at(WALKS_WITH_YOUTHS, events, local(2017, 6, 1))
    event_based = commitment_at(EVENT_BASED_WALKS, events, local(2017, 6, 1))

    assert (with_youths.done, with_youths.target) == (1, 2)
    assert (event_based.done, event_based.target) == (1, 2)
    assert with_youths.period == event_based.period == YEAR_2017


def test_exactly_at_the_floor_of_expected_is_on_track_one_below_is_at_risk() -> None:
    walk = activity(WALKS_WITH_YOUTHS, local(2017, 5, 3, 18), organisations=ALL, youths=9)

    none = commitment_at(WALKS_WITH_YOUTHS, [], HALF_YEAR)
    one = commitment_at(WALKS_WITH_YOUTHS, [walk], HALF_YEAR)

    assert none.expected == one.expected == 1.0
    assert none.status is Status.AT_RISK  # 0 < ⌊1.0⌋, but 0 ≥ 1.0 − 1
    assert one.status is Status.ON_TRACK  # 1 ≥ ⌊1.0⌋


def test_just_before_half_year_nothing_is_expected_yet_and_just_after_it_is_behind() -> None:
    before = commitment_at(WALKS_WITH_YOUTHS, [], HALF_YEAR - timedelta(hours=1))
    after = commitment_at(WALKS_WITH_YOUTHS, [], HALF_YEAR + timedelta(hours=1))

    assert before.expected == pytest.approx(2 * 3671 / 7344)  # hours of 7,344
    assert before.status is Status.ON_TRACK  # 0 ≥ ⌊0.9997⌋ = 0
    assert after.expected == pytest.approx(2 * 3673 / 7344)
    assert after.status is Status.BEHIND  # 0 < 1.0003 − 1


def test_five_volunteer_operations_expect_two_and_a_half_by_half_year() -> None:
    two = [
        activity("volontarinsatser", local(2017, 4, day, 20), organisations=("polisen",))
        for day in (7, 21)
    ]

    on_track = commitment_at("volontarinsatser", two, HALF_YEAR)
    behind = commitment_at("volontarinsatser", two[:1], HALF_YEAR)

    assert on_track.expected == 2.5
    assert on_track.status is Status.ON_TRACK  # 2 ≥ ⌊2.5⌋
    assert behind.status is Status.BEHIND  # 1 < 2.5 − 1


def test_the_target_reached_early_is_achieved_and_a_year_short_of_it_is_missed() -> None:
    first = activity(WALKS_WITH_YOUTHS, local(2017, 4, 12, 18), organisations=ALL, youths=4)
    second = activity(WALKS_WITH_YOUTHS, local(2017, 5, 3, 18), organisations=ALL, youths=9)

    early = commitment_at(WALKS_WITH_YOUTHS, [first, second], local(2017, 5, 4))
    closed = commitment_at(
        WALKS_WITH_YOUTHS, [first], local(2018, 1, 2), period_of=date(2017, 12, 31)
    )

    assert early.status is Status.ACHIEVED
    assert closed.period == YEAR_2017
    assert (closed.done, closed.expected, closed.status) == (1, 2.0, Status.MISSED)


def test_before_the_promise_starts_nothing_has_started() -> None:
    kpi = commitment_at(WALKS_WITH_YOUTHS, [], local(2017, 2, 15))

    assert kpi.status is Status.NOT_STARTED
    assert kpi.period == YEAR_2017
    assert kpi.expected == 0.0


def test_a_late_report_counts_in_the_period_it_happened_in_not_the_one_it_arrived_in() -> None:
    october = activity(WALKS_WITH_YOUTHS, local(2017, 10, 4, 18), organisations=ALL, youths=6)
    # Held on 30 December, reported after New Year: the report's time is when it happened.
    late = activity(WALKS_WITH_YOUTHS, local(2017, 12, 30, 15), organisations=ALL, youths=3)
    now = local(2018, 1, 5)

    before = commitment_at(WALKS_WITH_YOUTHS, [october], now, period_of=date(2017, 12, 31))
    after = commitment_at(WALKS_WITH_YOUTHS, [october, late], now, period_of=date(2017, 12, 31))
    this_year = commitment_at(WALKS_WITH_YOUTHS, [october, late], now)

    assert (before.done, before.status) == (1, Status.MISSED)
    assert (after.done, after.status) == (2, Status.ACHIEVED)
    assert this_year.period == Span(date(2018, 1, 1), date(2019, 1, 1))
    assert this_year.done == 0


def test_the_year_an_activity_belongs_to_is_lunds_year_not_utcs() -> None:
    # 23:30 UTC on 31 December is half past midnight on New Year's Day in Lund.
    walk = activity(EVENT_BASED_WALKS, datetime(2017, 12, 31, 23, 30, tzinfo=UTC))
    now = local(2018, 1, 2)

    closed = commitment_at(EVENT_BASED_WALKS, [walk], now, period_of=date(2017, 12, 31))
    next_year = commitment_at(EVENT_BASED_WALKS, [walk], now)

    assert closed.done == 0
    assert next_year.done == 1
