"""The follow-up reports the public site serves, read from a metrics service that answers as
the real one does (the engine, with the instants asked for): a year as it ended, with what was
said about it since; a half year with nothing of the months after it."""

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

import httpx

from services.metrics.domain.engine import evaluate
from services.metrics.domain.facts import KnownEvent
from services.metrics.kpi_views import promise_view
from services.public.domain.report_period import parse_period
from services.public.kpi_source import KpiSource
from services.public.report import render_report
from services.public.report_figures import ReportFigures
from services.public.snapshot_store import SnapshotStore
from shared.promises import default_promises
from tests.unit.lund_events import activity, explanation, local, lund

WHY = "Volontärerna behövdes vid skolstarten; insatserna görs i vår i stället."
EVENTS = [
    activity("volontarinsatser", local(2017, 4, 10, 19), organisations=("polisen",)),
    activity("volontarinsatser", local(2017, 8, 14, 19), organisations=("polisen",)),
    explanation(
        "volontarinsatser",
        local(2018, 1, 15, 10),
        (date(2017, 3, 1), date(2018, 1, 1)),
        kind="not-pursued",
        text=WHY,
    ),
]


def metrics_service(events: Iterable[KnownEvent]) -> httpx.MockTransport:
    """The KPI API over `events`: `known_at` defaults to `at`, as the service's does."""

    def answer(request: httpx.Request) -> httpx.Response:
        asked = request.url.params
        at = datetime.fromisoformat(asked["at"])
        known_at = datetime.fromisoformat(asked["known_at"]) if "known_at" in asked else None
        period_of = date.fromisoformat(asked["period_of"]) if "period_of" in asked else None
        kpis = evaluate(
            lund(),
            events,
            at,
            period_of=period_of,
            known_at=known_at,
            promises=default_promises(),
        )
        return httpx.Response(200, content=promise_view(kpis).model_dump_json())

    return httpx.MockTransport(answer)


async def report_rows(period: str, made_at: datetime, folder: Path) -> list[dict[str, str]]:
    """The rows about the volunteer efforts of the CSV report the site serves at `made_at`."""
    transport = metrics_service(EVENTS)
    async with httpx.AsyncClient(transport=transport, base_url="http://metrics") as client:
        figures = ReportFigures(KpiSource(client), SnapshotStore(folder), lambda: made_at)
        snapshot = await figures.figures(lund(), parse_period(period))
    assert snapshot is not None
    table = render_report(
        lund(), snapshot.kpis, parse_period(period), made_at, "Lunds kommun", "csv"
    ).decode()
    return [row for row in csv.DictReader(io.StringIO(table)) if row["id"] == "volontarinsatser"]


async def test_a_year_s_report_made_in_february_shows_what_was_said_in_january(
    tmp_path: Path,
) -> None:
    rows = await report_rows("2017", local(2018, 2, 1, 9), tmp_path)

    assert [(r["row"], r["status"], r["done"], r["explanation"]) for r in rows] == [
        ("commitment", "not-pursued", "2", ""),
        ("explanation", "not-pursued", "", WHY),
    ]


async def test_a_half_year_s_report_made_later_counts_only_the_half_year(tmp_path: Path) -> None:
    rows = await report_rows("2017H1", local(2018, 2, 1, 9), tmp_path)

    assert [r["done"] for r in rows if r["row"] == "commitment"] == ["1"]
