"""Which KPIs an event counts towards (the metrics part of a receipt) agrees with the engine:
adding the event to an empty log changes exactly the KPIs it is said to count towards."""

from datetime import date

import pytest

from services.metrics.domain.contributions import Contribution, counted_towards
from services.metrics.domain.engine import evaluate
from services.metrics.domain.facts import KnownEvent
from services.metrics.domain.kpis import Span
from tests.unit.lund_events import activity, deliverable, incident, local, lund, retraction, survey

TODAY = date(2019, 6, 1)
YEAR_2017 = Span(date(2017, 3, 1), date(2018, 1, 1))
YEAR_2018 = Span(date(2018, 1, 1), date(2019, 1, 1))
ALL = ("raddningstjansten", "kommunen", "polisen")


def towards(event: KnownEvent) -> list[Contribution]:
    return counted_towards(event.data, event.envelope.time, [lund()], TODAY)


# The figures an event counts in: as a period's value, or as what the period is compared with.
FIGURES = {
    "value": (("done",), ("value", "by_category")),
    "comparison": (("previous",), ("comparison_value", "comparison_by_category")),
}


def changed_by(event: KnownEvent, year_end: date, role: str) -> set[tuple[str, str]]:
    """The commitments and indicators whose figures of `role` for the year ending `year_end`
    differ with the event known, as of the day after."""
    at = local(year_end.year + 1, 1, 2)
    without = evaluate(lund(), [], at, period_of=year_end)
    with_it = evaluate(lund(), [event], at, period_of=year_end)
    of_commitments, of_outcomes = FIGURES[role]

    def differ(a: object, b: object, names: tuple[str, ...]) -> bool:
        return any(counted(getattr(a, name)) != counted(getattr(b, name)) for name in names)

    return {
        ("commitment", a.id)
        for a, b in zip(without.commitments, with_it.commitments, strict=True)
        if differ(a, b, of_commitments)
    } | {
        ("indicator", a.id)
        for a, b in zip(without.outcomes, with_it.outcomes, strict=True)
        if differ(a, b, of_outcomes)
    }


def counted(figure: object) -> object:
    """A figure as counted: a source that reported nothing else, reported zero of it."""
    if isinstance(figure, dict):
        return {key: n for key, n in figure.items() if n}
    return figure or 0


def said(event: KnownEvent, period: Span, role: str) -> set[tuple[str, str]]:
    return {(c.kind, c.id) for c in towards(event) if c.period == period and c.role == role}


EVENTS = {
    "a walk with youths": activity(
        "trygghetsvandringar-ungdomar", local(2017, 4, 12, 18), organisations=ALL, youths=9
    ),
    "a walk without youths": activity(
        "trygghetsvandringar-ungdomar", local(2017, 4, 12, 18), organisations=ALL, youths=0
    ),
    "an SNÖ meeting on a Monday": activity("sno-mote", local(2017, 4, 3, 9)),
    "an online youth dialogue": activity(
        "ungdomsdialoger-natet", local(2017, 5, 10, 19), organisations=("kommunen",)
    ),
    "a drug crime": incident("narkotika.bruk", local(2017, 4, 2, 22)),
    "a drug crime of an adult": incident(
        "narkotika.bruk", local(2017, 4, 2, 22), age_band="25-plus"
    ),
    "a survey result": survey(
        "trygghetsmatning-vuxennarvaro",
        date(2017, 9, 1),
        date(2017, 10, 31),
        3.4,
        local(2017, 11, 20),
    ),
    "the graffiti folder": deliverable("klotter-folder", local(2017, 9, 1, 10)),
}


@pytest.mark.parametrize("name", EVENTS)
def test_an_event_counts_in_its_period_towards_exactly_the_kpis_it_changes(name: str) -> None:
    event = EVENTS[name]

    assert said(event, YEAR_2017, "value") == changed_by(event, date(2017, 12, 31), "value")


@pytest.mark.parametrize("name", EVENTS)
def test_an_event_is_the_comparison_of_exactly_the_kpis_it_changes_a_year_later(name: str) -> None:
    event = EVENTS[name]

    assert said(event, YEAR_2018, "comparison") == changed_by(
        event, date(2018, 12, 31), "comparison"
    )


def test_a_drug_crime_counts_for_its_indicator_and_the_open_count_that_names_it() -> None:
    crime = EVENTS["a drug crime"]

    assert {(c.kind, c.id, c.period, c.role) for c in towards(crime)} == {
        ("indicator", "narkotikabrott-upptackt", YEAR_2017, "value"),
        ("commitment", "narkotikabrott-unga", YEAR_2017, "value"),
        ("indicator", "narkotikabrott-upptackt", YEAR_2018, "comparison"),
        ("commitment", "narkotikabrott-unga", YEAR_2018, "comparison"),
    }


def test_a_crime_before_the_promise_is_only_the_comparison_of_its_first_year() -> None:
    crime = incident("narkotika.bruk", local(2016, 5, 2, 22))

    assert {(c.id, c.period, c.role) for c in towards(crime)} == {
        ("narkotikabrott-upptackt", YEAR_2017, "comparison"),
        ("narkotikabrott-unga", YEAR_2017, "comparison"),
    }


def test_a_walk_without_youths_counts_towards_nothing_and_a_retraction_neither() -> None:
    walk = EVENTS["a walk without youths"]

    assert towards(walk) == []
    assert towards(retraction(walk, local(2017, 4, 13))) == []


def test_an_activity_no_promise_takes_counts_towards_nothing() -> None:
    before_the_promise = activity("sno-mote", local(2017, 2, 6, 9))

    assert towards(before_the_promise) == []


def test_an_snoe_meeting_counts_towards_its_commitment_in_its_year() -> None:
    meeting = activity("sno-mote", local(2017, 4, 3, 9))

    assert towards(meeting) == [
        Contribution("lund-2017", "commitment", "sno-mote", YEAR_2017, "value")
    ]
