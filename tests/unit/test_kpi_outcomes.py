"""Outcome indicators on Lund 2017: drug crimes, vandalism, the safety survey, youth activities.

Evaluated on 30 June 2017 at noon: the period so far is 1 March to 30 June 12:00, compared
with 1 March to 30 June 12:00 2016. Drug crimes count only youths under 25.
"""

from datetime import date

import pytest

from services.metrics.domain.kpis import Span
from shared.contracts.kpis import Status
from tests.unit.lund_events import (
    activity,
    changed_indicator,
    commitment_at,
    incident,
    local,
    outcome_at,
    survey,
)

DRUGS = "narkotikabrott-upptackt"
NOON_30_JUNE = local(2017, 6, 30, 12)
DRUG_CRIMES = [
    # 2016, compared
    incident("narkotika.bruk", local(2016, 4, 10, 20), count=3),
    incident("narkotika.innehav", local(2016, 5, 5, 21)),
    # 2016, not compared: later in the year, an hour too late, or not a youth
    incident("narkotika.bruk", local(2016, 8, 1, 22), count=2),
    incident("narkotika.bruk", local(2016, 6, 30, 13)),
    incident("narkotika.bruk", local(2016, 4, 11, 22), count=5, age_band="okand"),
    # 2017, counted
    incident("narkotika.bruk", local(2017, 3, 15, 23), count=4),
    incident("narkotika.innehav", local(2017, 4, 2, 1)),
    incident("narkotika.overlatelse", local(2017, 6, 30, 11)),
    # 2017, not counted: before the promise, and after the evaluation time
    incident("narkotika.bruk", local(2017, 2, 20, 22)),
    incident("narkotika.bruk", local(2017, 7, 15, 22)),
]
NONE_OTHERWISE = {"narkotika.doping": 0, "narkotika.ospecificerat": 0}
PUBLISHED_2016 = {
    "narkotika.bruk": 101,
    "narkotika.innehav": 48,
    "narkotika.overlatelse": 7,
    "narkotika.doping": 3,
}


def test_drug_crimes_so_far_are_compared_with_the_same_months_a_year_earlier() -> None:
    kpi = outcome_at(DRUGS, DRUG_CRIMES, NOON_30_JUNE)

    assert kpi.period == Span(date(2017, 3, 1), date(2018, 1, 1))
    assert kpi.comparison_period == Span(date(2016, 3, 1), date(2016, 7, 1))
    assert (kpi.value, kpi.comparison_value) == (6, 4)
    assert kpi.by_category == {
        "narkotika.bruk": 4,
        "narkotika.innehav": 1,
        "narkotika.overlatelse": 1,
        **NONE_OTHERWISE,
    }
    assert kpi.comparison_by_category == {
        "narkotika.bruk": 3,
        "narkotika.innehav": 1,
        "narkotika.overlatelse": 0,
        **NONE_OTHERWISE,
    }
    assert kpi.change_ratio == 0.5
    assert kpi.good is True  # the promise wants more drug crimes detected
    assert kpi.status is Status.ON_TRACK


def test_the_drug_crime_commitment_counts_the_indicators_incidents() -> None:
    kpi = commitment_at("narkotikabrott-unga", DRUG_CRIMES, NOON_30_JUNE)

    assert (kpi.kind, kpi.done, kpi.previous, kpi.status) == ("open-count", 6, 4, Status.ON_TRACK)


def test_the_baseline_keeps_its_published_total_and_the_unclassified_remainder() -> None:
    kpi = outcome_at(DRUGS, DRUG_CRIMES, NOON_30_JUNE)

    assert kpi.baseline_total == 161
    assert kpi.baseline_period == Span(date(2016, 4, 1), date(2017, 1, 1))
    assert kpi.baseline_by_category == {**PUBLISHED_2016, "narkotika.ospecificerat": 2}
    assert sum(kpi.baseline_by_category.values()) == 161


def test_compared_with_the_baseline_the_published_total_and_period_are_the_comparison() -> None:
    promise = changed_indicator(DRUGS, comparison="baseline")

    kpi = outcome_at(DRUGS, DRUG_CRIMES, NOON_30_JUNE, promise)

    assert kpi.comparison_value == 161
    assert kpi.comparison_period == Span(date(2016, 4, 1), date(2017, 1, 1))
    assert kpi.comparison_by_category == {**PUBLISHED_2016, "narkotika.ospecificerat": 2}
    assert kpi.change_ratio == pytest.approx((6 - 161) / 161)
    assert kpi.good is False
    assert kpi.status is Status.BEHIND


def test_more_vandalism_than_a_year_earlier_is_behind() -> None:
    events = [
        incident("skadegorelse.klotter", local(2016, 5, 1, 2), count=3, age_band="okand"),
        incident("skadegorelse", local(2017, 5, 1, 2), count=2, age_band="okand"),
        incident("skadegorelse.klotter", local(2017, 5, 2, 3), count=3, age_band="okand"),
    ]

    kpi = outcome_at("skadegorelse", events, NOON_30_JUNE)

    assert (kpi.value, kpi.comparison_value) == (5, 3)
    assert kpi.by_category == {"skadegorelse": 2, "skadegorelse.klotter": 3}
    assert kpi.change_ratio == pytest.approx(2 / 3)
    assert (kpi.good, kpi.status) == (False, Status.BEHIND)


def test_with_nothing_reported_outcomes_await_data_but_a_reported_zero_is_a_zero() -> None:
    vandalism = [
        incident("skadegorelse", local(2016, 5, 1, 2), age_band="okand"),
        incident("skadegorelse", local(2017, 5, 1, 2), age_band="okand"),
    ]

    nothing = outcome_at(DRUGS, [], NOON_30_JUNE)
    no_drug_crimes = outcome_at(DRUGS, vandalism, NOON_30_JUNE)

    assert nothing.status is Status.AWAITING_DATA
    assert (nothing.value, nothing.comparison_value, nothing.good) == (0, None, None)
    assert (no_drug_crimes.value, no_drug_crimes.comparison_value) == (0, 0)
    assert no_drug_crimes.change_ratio is None  # no ratio to a zero
    assert (no_drug_crimes.good, no_drug_crimes.status) == (False, Status.BEHIND)


def test_the_survey_awaits_this_years_result_then_compares_it_with_last_years() -> None:
    indicator = "trygghetsmatning-vuxennarvaro"
    events = [
        survey(indicator, date(2016, 9, 1), date(2016, 10, 31), 3.1, local(2016, 12, 1, 9)),
        survey(indicator, date(2017, 9, 1), date(2017, 10, 31), 3.4, local(2017, 12, 5, 9)),
    ]
    correction = survey(indicator, date(2017, 9, 1), date(2017, 10, 31), 3.3, local(2017, 12, 8))

    waiting = outcome_at("vuxennarvaro", events, local(2017, 11, 1))
    published = outcome_at("vuxennarvaro", events, local(2017, 12, 6))
    corrected = outcome_at("vuxennarvaro", [*events, correction], local(2017, 12, 9))

    assert (waiting.status, waiting.value) == (Status.AWAITING_DATA, None)
    assert (published.value, published.comparison_value) == (3.4, 3.1)
    assert published.comparison_period == Span(date(2016, 9, 1), date(2016, 11, 1))
    assert published.change_ratio == pytest.approx(0.3 / 3.1)
    assert (published.good, published.status) == (True, Status.ON_TRACK)
    assert corrected.value == 3.3


def test_a_first_survey_result_has_nothing_to_compare_with_and_is_on_track() -> None:
    autumn = (date(2017, 9, 1), date(2017, 10, 31))
    first = survey("trygghetsmatning-fysisk-miljo", *autumn, 2.9, local(2017, 12, 5))

    kpi = outcome_at("trygg-fysisk-miljo", [first], local(2017, 12, 6))

    assert (kpi.value, kpi.comparison_value, kpi.good) == (2.9, None, None)
    assert kpi.status is Status.ON_TRACK


def test_youth_influence_counts_the_dialogues_of_both_commitments() -> None:
    events = [
        activity(commitment, local(2017, month, day, 10), organisations=("kommunen",))
        for commitment, month, day in (
            ("ungdomsdialoger-motesplatser", 3, 23),
            ("ungdomsdialoger-motesplatser", 4, 20),
            ("ungdomsdialoger-natet", 5, 10),
        )
    ]

    kpi = outcome_at("ungas-inflytande", events, NOON_30_JUNE)

    assert kpi.by_category == {"ungdomsdialoger-natet": 1, "ungdomsdialoger-motesplatser": 2}
    assert (kpi.value, kpi.comparison_value, kpi.good) == (3, None, None)  # nothing from 2016
    assert kpi.status is Status.ON_TRACK
