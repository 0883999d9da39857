"""Explanations (`explanation.published`): shown with the commitment's KPI of the period they
explain; `not-pursued` turns a commitment that was not achieved into `not-pursued`; a
retraction takes the explanation, and what it did, away again."""

from datetime import date

from services.metrics.domain.facts import KnownEvent
from services.metrics.domain.kpis import CommitmentKpi, Explanation
from shared.contracts.kpis import Status
from tests.unit.lund_events import activity, commitment_at, explanation, local, retraction

YEAR_2017 = (date(2017, 3, 1), date(2018, 1, 1))
YEAR_2018 = (date(2018, 1, 1), date(2019, 1, 1))


def how_2017_ended(events: list[KnownEvent]) -> CommitmentKpi:
    """Volunteer efforts (at least 5 a year), as the books on 2017 closed in January."""
    return commitment_at(
        "volontarinsatser", events, local(2018, 1, 2, 12), period_of=date(2017, 12, 31)
    )


def test_an_explanation_shows_with_the_kpi_of_the_period_it_explains() -> None:
    said = explanation("volontarinsatser", local(2017, 9, 1, 10), YEAR_2017, kind="remedy")
    later = explanation("volontarinsatser", local(2018, 2, 1, 10), YEAR_2018)

    kpi = how_2017_ended([said, later])

    assert kpi.explanations == (
        Explanation(
            kind="remedy",
            text="Volontärerna behövdes vid skolstarten.",
            organisations=("polisen",),
            published_at=local(2017, 9, 1, 10),
        ),
    )
    assert kpi.status is Status.MISSED  # a remedy explains; it does not change the verdict


def test_not_pursued_stands_instead_of_missed() -> None:
    said = explanation("volontarinsatser", local(2017, 9, 1, 10), YEAR_2017, kind="not-pursued")

    kpi = how_2017_ended([said])

    assert kpi.status is Status.NOT_PURSUED
    assert kpi.done == 0


def test_a_commitment_achieved_all_the_same_stays_achieved() -> None:
    done = [
        activity("volontarinsatser", local(2017, 5, d, 18), organisations=("polisen",))
        for d in range(1, 6)
    ]
    said = explanation("volontarinsatser", local(2017, 4, 1, 10), YEAR_2017, kind="not-pursued")

    kpi = how_2017_ended([*done, said])

    assert kpi.status is Status.ACHIEVED
    assert [e.kind for e in kpi.explanations] == ["not-pursued"]


def test_a_retracted_explanation_is_gone_with_what_it_did() -> None:
    said = explanation("volontarinsatser", local(2017, 9, 1, 10), YEAR_2017, kind="not-pursued")
    withdrawn = retraction(said, local(2017, 9, 2, 10))

    kpi = how_2017_ended([said, withdrawn])

    assert kpi.explanations == ()
    assert kpi.status is Status.MISSED


def test_an_explanation_counts_as_of_when_it_was_published() -> None:
    said = explanation("volontarinsatser", local(2017, 12, 31, 20), YEAR_2017, kind="not-pursued")

    before = commitment_at("volontarinsatser", [said], local(2017, 12, 31, 19))

    assert before.explanations == ()
