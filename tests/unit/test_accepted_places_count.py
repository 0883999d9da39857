"""A visit the activities service accepts is one the KPI engine counts, however it was spelt.

The two services share no code but the contracts; this holds them together: what acceptance
registers (the promise's spelling of the place) closes the gap in the coverage matrix.
"""

from datetime import date

from services.activities.domain import Catalogue, accept
from services.metrics.domain.facts import KnownEvent
from services.metrics.domain.kpis import Gap, Span
from shared.contracts.events import parse_data
from shared.promises import default_promises
from tests.unit.lund_events import activity, commitment_at, local

VISITS = "motesplatser-besok"
MAY = Span(date(2017, 5, 1), date(2017, 6, 1))
CATALOGUE = Catalogue(default_promises())


def accepted_visit(place: str) -> KnownEvent:
    sent = activity(VISITS, local(2017, 5, 16, 19), organisations=("polisen",), place=place)
    accepted = accept(sent.envelope, local(2017, 5, 16, 22), CATALOGUE)
    return KnownEvent(accepted.event, parse_data(accepted.event))


def polisen_gap_at_ungdomens_hus_in_may(events: list[KnownEvent]) -> bool:
    kpi = commitment_at(VISITS, events, local(2017, 6, 2, 12))
    return Gap({"organisation": "polisen", "place": "Ungdomens hus"}, MAY) in kpi.gaps


def test_the_police_visit_reported_in_another_spelling_closes_the_may_gap() -> None:
    assert polisen_gap_at_ungdomens_hus_in_may([])

    for spelling in ("Ungdomens Hus", " ungdomens hus ", "UH"):
        assert not polisen_gap_at_ungdomens_hus_in_may([accepted_visit(spelling)]), spelling
