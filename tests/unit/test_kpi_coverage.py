"""Coverage targets on Lund 2017: meeting-place visits and contacts with school classes.

`motesplatser-besok` is 3 organisations × 4 meeting places (example data) × 10 months
(March to December 2017, the promise starting 1 March): 120 cells. `kontakt-forskoleklass-ak5`
is 6 classes (example data) once in the period.
"""

from datetime import date

from services.metrics.domain.coverage import closing_gaps
from services.metrics.domain.facts import KnownEvent
from services.metrics.domain.kpis import Gap, Span
from shared.contracts.kpis import Status
from tests.unit.lund_events import activity, commitment_at, local

VISITS = "motesplatser-besok"
CLASSES = "kontakt-forskoleklass-ak5"
PLACES = ("Fritidsgården Arken", "Ungdomens hus", "Mötesplats Norra Fäladen")
LINERO = "Fritidsgården Linero"
MARCH = Span(date(2017, 3, 1), date(2017, 4, 1))
APRIL = Span(date(2017, 4, 1), date(2017, 5, 1))


def visit(place: str, day: int, *organisations: str) -> KnownEvent:
    return activity(VISITS, local(2017, 3, day, 19), organisations=organisations, place=place)


# In March kommunen and polisen visit every place together; räddningstjänsten misses Linero.
MARCH_VISITS = [
    *(visit(place, 10, "kommunen", "polisen") for place in (*PLACES, LINERO)),
    *(visit(place, 15, "raddningstjansten") for place in PLACES),
]
LINERO_IN_MARCH = Gap({"organisation": "raddningstjansten", "place": LINERO}, MARCH)


def test_an_unvisited_place_is_listed_in_its_month_and_becomes_a_gap_once_it_ended() -> None:
    in_march = commitment_at(VISITS, MARCH_VISITS, local(2017, 3, 25, 12))
    in_april = commitment_at(VISITS, MARCH_VISITS, local(2017, 4, 2, 12))

    assert (in_march.cells, in_march.done) == (120, 11)
    assert in_march.gaps == ()
    assert in_march.current_gaps == (LINERO_IN_MARCH,)
    assert in_march.current_days_left == 7  # 25 to 31 March
    assert in_march.status is Status.ON_TRACK
    assert in_april.gaps == (LINERO_IN_MARCH,)
    assert len(in_april.current_gaps) == 12  # nobody has been anywhere in April yet
    assert in_april.status is Status.AT_RISK


def test_the_closing_helper_warns_only_when_the_month_has_few_days_left() -> None:
    kpi = commitment_at(VISITS, MARCH_VISITS, local(2017, 3, 25, 12))

    assert closing_gaps(kpi, notice_days=7) == (LINERO_IN_MARCH,)
    assert closing_gaps(kpi, notice_days=6) == ()


def test_coverage_by_organisation_is_covered_cells_over_cells_begun() -> None:
    in_march = commitment_at(VISITS, MARCH_VISITS, local(2017, 3, 25, 12))
    in_april = commitment_at(VISITS, MARCH_VISITS, local(2017, 4, 2, 12))

    assert in_march.coverage_by_organisation == {
        "raddningstjansten": 3 / 4,
        "kommunen": 1.0,
        "polisen": 1.0,
    }
    assert in_april.coverage_by_organisation == {
        "raddningstjansten": 3 / 8,
        "kommunen": 4 / 8,
        "polisen": 4 / 8,
    }


def test_gaps_in_two_months_are_behind() -> None:
    kpi = commitment_at(VISITS, MARCH_VISITS, local(2017, 5, 2))

    assert kpi.gaps[0] == LINERO_IN_MARCH
    assert {gap.period for gap in kpi.gaps} == {MARCH, APRIL}
    assert len(kpi.gaps) == 1 + 12
    assert kpi.status is Status.BEHIND


def test_a_visit_elsewhere_or_by_another_commitment_covers_nothing() -> None:
    elsewhere = visit("Stortorget", 10, "polisen")
    walk = activity("handelsebaserade-trygghetsvandringar", local(2017, 3, 10, 19), place=LINERO)

    kpi = commitment_at(VISITS, [elsewhere, walk], local(2017, 3, 25, 12))

    assert kpi.done == 0
    assert len(kpi.current_gaps) == 12


def test_every_class_contacted_in_the_year_is_achieved_and_one_left_out_is_missed() -> None:
    classes = (
        "Exempelskolan förskoleklass A",
        "Exempelskolan förskoleklass B",
        "Exempelskolan åk 5A",
        "Exempelskolan åk 5B",
        "Provskolan förskoleklass",
        "Provskolan åk 5",
    )
    contacts = [
        activity(CLASSES, local(2017, 4, 3 + n, 10), organisations=("raddningstjansten",), place=c)
        for n, c in enumerate(classes)
    ]
    year = Span(date(2017, 3, 1), date(2018, 1, 1))
    left_out = Gap({"class": "Provskolan åk 5"}, year)

    in_june = commitment_at(CLASSES, contacts[:5], local(2017, 6, 1))
    closed = commitment_at(CLASSES, contacts[:5], local(2018, 1, 2), period_of=date(2017, 12, 31))
    all_six = commitment_at(CLASSES, contacts, local(2018, 1, 2), period_of=date(2017, 12, 31))

    assert (in_june.cells, in_june.done, in_june.status) == (6, 5, Status.ON_TRACK)
    assert in_june.current_gaps == (left_out,)
    assert in_june.current_days_left == 214  # 1 June to 31 December
    assert in_june.coverage_by_organisation == {}  # the matrix has no organisation dimension
    assert closed.gaps == (left_out,)
    assert closed.status is Status.MISSED
    assert all_six.status is Status.ACHIEVED
