"""The KPIs of a past period as known later (`known_at`): what happened is counted up to the
period's end, what was said about it (explanations) and what was retracted up to when the
follow-up is made. A municipality explains a missed year in January; its follow-up of the
year shows it, and a half year's follow-up made months later still counts only the half."""

from datetime import date, datetime, timedelta

import pytest

from services.metrics.domain.engine import evaluate
from services.metrics.domain.facts import KnownEvent
from services.metrics.domain.kpis import CommitmentKpi
from shared.contracts.kpis import Status
from tests.unit.lund_events import activity, commitment_of, explanation, local, lund, retraction

YEAR_2017 = (date(2017, 3, 1), date(2018, 1, 1))
END_OF_2017 = local(2018, 1, 1)
END_OF_2017H1 = local(2017, 7, 1)
WHY = "Volontärerna behövdes vid skolstarten; insatserna görs i vår i stället."


def volunteers(events: list[KnownEvent], at: datetime, known_at: datetime) -> CommitmentKpi:
    """Volunteer efforts (at least 5 a year) as a follow-up shows them: evaluated at the end
    of a period (midnight after its last day), over the period, as known at `known_at`."""
    last_day = (at - timedelta(days=1)).date()
    kpis = evaluate(lund(), events, at, period_of=last_day, known_at=known_at)
    return commitment_of(kpis, "volontarinsatser")


def not_pursued_in_january() -> KnownEvent:
    return explanation(
        "volontarinsatser", local(2018, 1, 15, 10), YEAR_2017, kind="not-pursued", text=WHY
    )


def test_an_explanation_published_after_the_year_shows_in_its_follow_up_made_later() -> None:
    one_effort = activity("volontarinsatser", local(2017, 5, 3, 18), organisations=("polisen",))
    said = not_pursued_in_january()

    as_made_in_february = volunteers([one_effort, said], END_OF_2017, local(2018, 2, 1))
    as_it_stood = volunteers([one_effort, said], END_OF_2017, END_OF_2017)

    assert as_made_in_february.status is Status.NOT_PURSUED
    assert [(e.kind, e.text) for e in as_made_in_february.explanations] == [("not-pursued", WHY)]
    assert as_made_in_february.done == 1
    assert as_it_stood.status is Status.MISSED
    assert as_it_stood.explanations == ()


def test_a_retraction_made_after_the_year_corrects_its_follow_up_once_it_is_known() -> None:
    said = not_pursued_in_january()
    withdrawn = retraction(said, local(2018, 2, 10, 9))

    before_it = volunteers([said, withdrawn], END_OF_2017, local(2018, 2, 1))
    after_it = volunteers([said, withdrawn], END_OF_2017, local(2018, 3, 1))

    assert before_it.status is Status.NOT_PURSUED
    assert after_it.status is Status.MISSED
    assert after_it.explanations == ()


def test_an_activity_retracted_after_the_year_no_longer_counts_for_it_once_known() -> None:
    efforts = [
        activity("volontarinsatser", local(2017, 5, d, 18), organisations=("polisen",))
        for d in range(1, 6)
    ]
    wrongly_reported = retraction(efforts[0], local(2018, 1, 20, 9))

    as_it_stood = volunteers([*efforts, wrongly_reported], END_OF_2017, END_OF_2017)
    corrected = volunteers([*efforts, wrongly_reported], END_OF_2017, local(2018, 2, 1))

    assert (as_it_stood.status, as_it_stood.done) == (Status.ACHIEVED, 5)
    assert (corrected.status, corrected.done) == (Status.MISSED, 4)


def test_a_half_year_followed_up_a_year_later_counts_only_what_happened_in_it() -> None:
    in_spring = activity("volontarinsatser", local(2017, 4, 10, 18), organisations=("polisen",))
    in_august = activity("volontarinsatser", local(2017, 8, 14, 18), organisations=("polisen",))

    half = volunteers([in_spring, in_august], END_OF_2017H1, local(2018, 2, 1))

    assert half.done == 1


def test_without_a_second_instant_what_is_known_is_what_was_known_at_the_instant() -> None:
    said = not_pursued_in_january()

    kpis = evaluate(lund(), [said], END_OF_2017, period_of=date(2017, 12, 31))

    assert kpis.known_at == END_OF_2017
    assert commitment_of(kpis, "volontarinsatser").status is Status.MISSED


def test_what_is_known_cannot_end_before_the_instant_evaluated() -> None:
    with pytest.raises(ValueError, match="known_at"):
        evaluate(lund(), [], END_OF_2017, known_at=local(2017, 12, 1))
