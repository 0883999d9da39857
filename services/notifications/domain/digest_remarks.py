"""What was said last week about an organisation's commitments, for its weekly digest: what it
published to the public about them (`explanation.published`, from the KPIs) and how its
people answered their notifications (acknowledgements, with who answered and why). Pure."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from shared.calendar import DateRange
from shared.contracts.kpis import PromiseKpisView
from shared.promises import Promise

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ACKNOWLEDGED = "acknowledged"


@dataclass(frozen=True, slots=True)
class Answered:
    """A notification about one of the organisation's commitments, acknowledged."""

    commitment: str
    by: str
    at: datetime
    comment: str | None


def said_last_week(
    promise: Promise,
    kpis: PromiseKpisView,
    organisation: str,
    week: DateRange,
    answers: Sequence[Answered],
) -> list[dict[str, Any]]:
    """Lines of `kind` comment, remedy or not-pursued (what it published) and acknowledged
    (how it answered), each with its commitment, who, the words if any, and the day."""
    mine = {c.id: c for c in promise.responsible_for(organisation)}
    lines: list[dict[str, Any]] = []
    for kpi in kpis.commitments:
        commitment = mine.get(kpi.id)
        for said in kpi.explanations if commitment else ():
            day = said.published_at.astimezone(STOCKHOLM).date()
            if organisation in said.organisations and day in week:
                lines.append(_line(kpi.id, mine, said.kind, organisation, said.text, day))
    for answer in answers:
        day = answer.at.astimezone(STOCKHOLM).date()
        if answer.commitment in mine and day in week:
            lines.append(
                _line(answer.commitment, mine, ACKNOWLEDGED, answer.by, answer.comment, day)
            )
    return sorted(lines, key=lambda line: (line["day"], line["title"], line["kind"]))


def _line(
    commitment: str, mine: dict[str, Any], kind: str, who: str, text: str | None, day: Any
) -> dict[str, Any]:
    return {
        "commitment": commitment,
        "title": mine[commitment].title,
        "kind": kind,
        "who": who,
        "text": text,
        "day": day.isoformat(),
    }
