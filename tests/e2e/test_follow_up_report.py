"""`lofte report` on the real services: the Lund 2017 follow-up from a scenario with known
answers, as a PDF a person would publish (its text read back), HTML and CSV with the KPI
API's numbers; and a year explained in the January after it, as its follow-up made later
shows it."""

import asyncio
import csv
import io
import json
import os
import sys
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from tests.factories import (
    activity_completed,
    deliverable_completed,
    event_retracted,
    explanation_published,
    incident_recorded,
)
from tests.keys import create_key, staff_key
from tests.polling import eventually
from tests.processes import ServiceProcess, service_env, start, stop, wait_ready
from tests.readers import rows_of
from tests.service_http import get_json, post_event

LUND = ZoneInfo("Europe/Stockholm")
LOFTE = Path(sys.executable).parent / "lofte"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LUND)


# Known answers: three of the five volunteer operations (two by the end of June), the graffiti
# folder in September, two drug crimes among youths.
SCENARIO = [
    activity_completed("volontarinsatser", organisations=("polisen",), time=at("2017-04-10T19:00")),
    activity_completed("volontarinsatser", organisations=("polisen",), time=at("2017-06-12T19:00")),
    activity_completed("volontarinsatser", organisations=("polisen",), time=at("2017-09-20T19:00")),
    deliverable_completed("klotter-folder", time=at("2017-09-01T10:00")),
    incident_recorded("narkotika.bruk"),
    incident_recorded("narkotika.innehav"),
]


@pytest.fixture
async def services(
    kafka_bootstrap: str, database_url: str, namespace: str, tmp_path: Path
) -> AsyncIterator[dict[str, ServiceProcess]]:
    env = service_env(kafka_bootstrap, database_url, namespace)
    running = {name: start(name, env, tmp_path) for name in ("activities", "metrics")}
    try:
        for service in running.values():
            await wait_ready(service)
        yield running
    finally:
        stop(list(running.values()))


def done_of(kpis: dict[str, Any], commitment: str) -> int:
    done: int = next(c["done"] for c in kpis["commitments"] if c["id"] == commitment)
    return done


async def report(
    services: dict[str, ServiceProcess], key: str, period: str, form: str, out: Path
) -> Path:
    process = await asyncio.create_subprocess_exec(
        str(LOFTE),
        "report",
        "lund-2017",
        "--period",
        period,
        "--format",
        form,
        "-o",
        str(out),
        env={**os.environ, "METRICS_URL": services["metrics"].url, "METRICS_API_KEY": key},
        stderr=asyncio.subprocess.PIPE,
    )
    _, errors = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, errors.decode()
    return out


async def test_the_2017_report_holds_each_commitment_s_figures_as_the_kpi_api_gives_them(
    services: dict[str, ServiceProcess], database_url: str, tmp_path: Path
) -> None:
    partner = await create_key(database_url, "polisen")
    staff = await staff_key(database_url, "kommunen")
    for event in SCENARIO:
        response = await post_event(services["activities"].url, json.dumps(event).encode(), partner)
        assert response.status_code == 202, response.text
    end_of_2017 = "at=2018-01-01T00:00:00%2B01:00&period_of=2017-12-31"
    kpis_url = f"{services['metrics'].url}/v1/promises/lund-2017/kpis?{end_of_2017}"
    kpis = await eventually(
        lambda: get_json(kpis_url, staff),
        # Every event of the scenario counted: the incidents travel on partitions of their own.
        lambda body: (
            done_of(body, "volontarinsatser") == 3
            and done_of(body, "klotter-folder") == 1
            and done_of(body, "narkotikabrott-unga") == 2
        ),
    )

    pdf = await report(services, staff, "2017", "pdf", tmp_path / "report.pdf")
    table = await report(services, staff, "2017", "csv", tmp_path / "report.csv")
    half = await report(services, staff, "2017H1", "html", tmp_path / "report.html")

    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "Uppföljning av medborgarlöftet 2017" in text
    assert "Riktade trygghetsinsatser med polisens volontärer" in text
    assert "3 av minst 5 genomförda." in text
    assert "Inte uppfyllt" in text
    assert "Klart 1 september 2017." in text
    assert "Publicerad baslinje" in text
    assert "161" in text
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    commitments = {r["id"]: r for r in rows if r["row"] == "commitment"}
    for kpi in kpis["commitments"]:
        row = commitments[kpi["id"]]
        assert (row["status"], row["done"]) == (kpi["status"], str(kpi["done"])), kpi["id"]
    assert commitments["volontarinsatser"]["status"] == "missed"  # two operations short
    outcomes = {r["id"]: r for r in rows if r["row"] == "outcome"}
    for kpi in kpis["outcomes"]:
        value = "" if kpi["value"] is None else str(float(kpi["value"]))
        assert outcomes[kpi["id"]]["value"] == value, kpi["id"]
    assert "2 av minst 5 genomförda." in half.read_text(encoding="utf-8")


async def test_a_year_explained_in_january_shows_in_its_follow_up_until_it_is_retracted(
    services: dict[str, ServiceProcess], database_url: str, tmp_path: Path
) -> None:
    partner = await create_key(database_url, "polisen")
    staff = await staff_key(database_url, "kommunen")
    volunteers = [e for e in SCENARIO if e["data"].get("commitment") == "volontarinsatser"]
    said = explanation_published(
        "volontarinsatser", (date(2017, 3, 1), date(2018, 1, 1)), time=at("2018-01-15T10:00")
    )
    for event in [*volunteers, said]:
        response = await post_event(services["activities"].url, json.dumps(event).encode(), partner)
        assert response.status_code == 202, response.text
    end_of_2017 = "at=2018-01-01T00:00:00%2B01:00&period_of=2017-12-31"
    kpi_url = f"{services['metrics'].url}/v1/promises/lund-2017/kpis/volontarinsatser"
    now = datetime.now(UTC).isoformat().replace("+", "%2B")
    await eventually(
        lambda: get_json(f"{kpi_url}?{end_of_2017}&known_at={now}", staff),
        lambda kpi: kpi["status"] == "not-pursued" and kpi["done"] == 3,
    )

    table = await report(services, staff, "2017", "csv", tmp_path / "explained.csv")
    half = await report(services, staff, "2017H1", "html", tmp_path / "explained-h1.html")

    as_it_stood = await get_json(f"{kpi_url}?{end_of_2017}", staff)
    assert (as_it_stood["status"], as_it_stood["explanations"]) == ("missed", [])
    reported = rows_of(table.read_text(encoding="utf-8"), "volontarinsatser")
    assert [(r["row"], r["status"], r["done"], r["explanation"]) for r in reported] == [
        ("commitment", "not-pursued", "3", ""),
        ("explanation", "not-pursued", "", said["data"]["text"]),
    ]
    assert reported[1]["published"].startswith("2018-01-15")
    # The half year's follow-up, made years later, counts the September effort no more.
    assert "2 av minst 5 genomförda." in half.read_text(encoding="utf-8")

    withdrawn = event_retracted(said, time=at("2018-02-10T09:00"))
    response = await post_event(services["activities"].url, json.dumps(withdrawn).encode(), partner)
    assert response.status_code == 202, response.text
    now = datetime.now(UTC).isoformat().replace("+", "%2B")
    await eventually(
        lambda: get_json(f"{kpi_url}?{end_of_2017}&known_at={now}", staff),
        lambda kpi: kpi["status"] == "missed",
    )

    table = await report(services, staff, "2017", "csv", tmp_path / "retracted.csv")

    reported = rows_of(table.read_text(encoding="utf-8"), "volontarinsatser")
    assert [(r["row"], r["status"], r["done"]) for r in reported] == [("commitment", "missed", "3")]
