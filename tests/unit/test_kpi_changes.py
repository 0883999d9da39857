"""What the metrics service tells the notifications service: each change once, in order."""

import json
from datetime import date, datetime

from services.metrics.domain.changes import (
    Announced,
    CommitmentStatusChanged,
    CoverageGap,
    KpiChange,
    OccurrenceMissed,
    OutcomeChanged,
    changes,
)
from services.metrics.domain.engine import evaluate
from services.metrics.domain.facts import KnownEvent
from services.metrics.domain.kpis import Span
from shared.contracts.kpis import Status
from tests.unit.lund_events import activity, incident, local, lund

MARCH = Span(date(2017, 3, 1), date(2017, 4, 1))
PLACES = ("Fritidsgården Arken", "Ungdomens hus", "Mötesplats Norra Fäladen")
LINERO = "Fritidsgården Linero"
ALL = ("raddningstjansten", "kommunen", "polisen")


def meetings(*days: tuple[int, int]) -> list[KnownEvent]:
    return [activity("sno-mote", local(2017, month, day, 9)) for month, day in days]


def visits() -> list[KnownEvent]:
    """Every organisation at every place in March, but räddningstjänsten never at Linero."""
    return [
        activity("motesplatser-besok", local(2017, 3, 10, 19), organisations=who, place=place)
        for place in (*PLACES, LINERO)
        for who in (("kommunen", "polisen"), ("raddningstjansten",))
        if (place, who) != (LINERO, ("raddningstjansten",))
    ]


def news(
    events: list[KnownEvent], at: datetime, told: Announced, notice: int = 7
) -> tuple[list[KpiChange], Announced]:
    return changes(told, evaluate(lund(), events, at), gap_notice_days=notice)


def summary(found: list[KpiChange]) -> list[tuple[str, str]]:
    described: list[tuple[str, str]] = []
    for change in found:
        match change:
            case CommitmentStatusChanged():
                described.append(("status", change.commitment))
            case OccurrenceMissed():
                described.append(("missed", f"{change.commitment} {change.slot}"))
            case CoverageGap():
                described.append(("gap", f"{change.commitment} {change.days_left}"))
            case OutcomeChanged():
                described.append(("outcome", change.indicator))
    return described


def test_a_first_evaluation_announces_every_status_and_the_news_of_the_period_so_far() -> None:
    events = [*meetings((3, 6), (3, 13), (3, 27)), *visits()]

    found, _ = news(events, local(2017, 3, 28, 12), Announced())

    commitments = [c.id for c in lund().commitments]
    statuses = [c for c in found if isinstance(c, CommitmentStatusChanged)]
    assert [c.commitment for c in statuses] == commitments
    assert all(c.old is None for c in statuses)
    sno = summary(found).index(("status", "sno-mote"))
    assert summary(found)[sno + 1] == ("missed", "sno-mote 2017-03-20")
    assert ("gap", "motesplatser-besok 4") in summary(found)  # 28 to 31 March
    assert [c.indicator for c in found if isinstance(c, OutcomeChanged)] == [
        i.id for i in lund().outcome_indicators
    ]


def test_the_same_evaluation_again_has_no_news() -> None:
    events = [*meetings((3, 6), (3, 13), (3, 27)), *visits()]
    _, told = news(events, local(2017, 3, 28, 12), Announced())

    found, again = news(events, local(2017, 3, 28, 13), told)

    assert found == []
    assert again == told


def test_a_status_change_says_from_what_to_what_with_the_figures_behind_it() -> None:
    _, told = news([], local(2017, 4, 1), Announced())

    found, _ = news([], local(2017, 8, 1, 12), told)

    [change] = [
        c
        for c in found
        if isinstance(c, CommitmentStatusChanged)
        and c.commitment == "handelsebaserade-trygghetsvandringar"
    ]
    assert (change.old, change.new) == (Status.ON_TRACK, Status.BEHIND)
    assert change.responsible == ("kommunen", "polisen")
    assert change.figures == {
        "period_start": "2017-03-01",
        "period_end": "2018-01-01",
        "done": 0,
        "target": 2,
        "expected": 1.0,
    }


def test_a_missed_monday_is_announced_once_when_its_grace_has_passed() -> None:
    events = meetings((3, 6), (3, 13), (3, 27))
    _, told = news(events, local(2017, 3, 21, 12), Announced())

    first, told = news(events, local(2017, 3, 22), told)
    second, _ = news(events, local(2017, 3, 23), told)

    assert [c for c in first if isinstance(c, OccurrenceMissed)] == [
        OccurrenceMissed("sno-mote", ("kommunen", "polisen"), date(2017, 3, 20))
    ]
    assert not [c for c in second if isinstance(c, OccurrenceMissed)]


def test_an_unvisited_place_is_warned_about_once_with_days_left_and_not_again_as_a_gap() -> None:
    _, told = news(visits(), local(2017, 3, 24, 12), Announced())  # 8 days left: no warning yet
    gap = CoverageGap(
        "motesplatser-besok",
        ALL,
        {"organisation": "raddningstjansten", "place": LINERO},
        MARCH,
        days_left=7,
    )

    warned, told = news(visits(), local(2017, 3, 25, 12), told)
    next_day, told = news(visits(), local(2017, 3, 26, 12), told)
    month_over, _ = news(visits(), local(2017, 4, 2, 12), told)

    assert [c for c in warned if isinstance(c, CoverageGap)] == [gap]
    assert not [c for c in next_day if isinstance(c, CoverageGap)]
    assert not [c for c in month_over if isinstance(c, CoverageGap)]
    assert ("status", "motesplatser-besok") in summary(month_over)  # now at risk


def test_a_gap_nobody_was_warned_about_is_announced_when_its_month_has_ended() -> None:
    _, told = news(visits(), local(2017, 3, 25, 12), Announced(), notice=0)

    found, _ = news(visits(), local(2017, 4, 2, 12), told, notice=0)

    [gap] = [c for c in found if isinstance(c, CoverageGap)]
    assert (gap.period, gap.days_left) == (MARCH, 0)


def test_an_outcome_is_announced_when_its_value_changes() -> None:
    crimes = [incident("narkotika.bruk", local(2016, 4, 10, 20), count=3)]
    _, told = news(crimes, local(2017, 4, 20), Announced())
    crimes.append(incident("narkotika.innehav", local(2017, 4, 20, 1)))

    found, _ = news(crimes, local(2017, 4, 21), told)

    drugs = [c for c in found if isinstance(c, OutcomeChanged)]
    assert [(c.indicator, c.old_status, c.new_status) for c in drugs] == [
        ("narkotikabrott-upptackt", Status.BEHIND, Status.BEHIND)
    ]
    assert (drugs[0].value, drugs[0].comparison_value) == (1, 3)


def test_what_was_announced_survives_a_round_trip_through_json() -> None:
    events = [*meetings((3, 6), (3, 13), (3, 27)), *visits()]
    _, told = news(events, local(2017, 3, 28, 12), Announced())

    stored = json.loads(json.dumps(told.to_json()))

    assert Announced.from_json(stored) == told
    assert stored["commitments"]["sno-mote"]["missed_slots"] == ["2017-03-20"]
    assert stored["commitments"]["motesplatser-besok"]["gaps"] == [
        {
            "period": {"start": "2017-03-01", "end": "2017-04-01"},
            "dimensions": {"organisation": "raddningstjansten", "place": LINERO},
        }
    ]
    assert Announced.from_json(Announced().to_json()) == Announced()
