"""What of the kept state an owner builds for the Lund KPIs it evaluates: their own
activities, and across KPIs what the promise measures them by."""

from collections.abc import Callable

from services.metrics.domain.reads import wanted_by
from shared.promises import default_promises

LUND = default_promises()[0]


def only(*ids: str) -> Callable[[str], bool]:
    return lambda kpi: kpi in ids


def test_a_commitment_reads_its_own_activities_and_no_incidents() -> None:
    wanted = wanted_by(LUND, only("foraldrar-facebook"))

    assert wanted.commitment("foraldrar-facebook")
    assert not wanted.commitment("ungdomsdialoger-natet")
    assert not wanted.incidents


def test_an_open_count_that_names_a_crime_statistic_reads_the_incidents() -> None:
    assert wanted_by(LUND, only("narkotikabrott-unga")).incidents


def test_an_indicator_counted_in_activities_reads_those_commitments() -> None:
    wanted = wanted_by(LUND, only("ungas-inflytande"))

    assert wanted.commitment("ungdomsdialoger-natet")
    assert wanted.commitment("ungdomsdialoger-motesplatser")
    assert not wanted.commitment("foraldrar-facebook")
    assert not wanted.incidents


def test_an_indicator_of_a_survey_reads_nothing_kept_in_buckets() -> None:
    wanted = wanted_by(LUND, only("vuxennarvaro"))

    assert not wanted.incidents
    assert not any(wanted.commitment(c.id) for c in LUND.commitments)
