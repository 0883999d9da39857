"""The public progress site on the real services: what partners report shows on the page
and in the open data, and the site keeps answering, saying how old its figures are, while
the metrics service is down and after a restart of its own."""

import asyncio
import csv
import io
import json
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.keys import create_key
from tests.polling import eventually
from tests.processes import service_env, stop, wait_ready
from tests.public_site import Running, public_site, report_progress
from tests.service_http import get_json, post_event


@pytest.fixture
async def site(
    kafka_bootstrap: str, database_url: str, namespace: str, tmp_path: Path
) -> AsyncIterator[Running]:
    env = service_env(kafka_bootstrap, database_url, namespace)
    async with public_site(env, database_url, tmp_path, STALE_AFTER_SECONDS="3") as running:
        yield running


async def page(url: str, language: str = "sv") -> str:
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.get(url, headers={"accept-language": language})
        response.raise_for_status()
        return response.text


def commitment(figures: dict[str, Any], commitment_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in figures["commitments"] if c["id"] == commitment_id)
    return found


async def test_what_partners_report_shows_on_the_page_and_in_the_open_data(
    site: Running, database_url: str
) -> None:
    await report_progress(site.activities.url, database_url)

    published = await eventually(
        lambda: get_json(f"{site.public.url}/promises/lund-2017.json"),
        lambda body: (
            commitment(body, "volontarinsatser")["done"] == 1
            and commitment(body, "klotter-folder")["status"] == "achieved"
        ),
    )
    kpis = await get_json(f"{site.metrics.url}/v1/promises/lund-2017/kpis", site.staff)
    for kpi in kpis["commitments"]:
        shown = commitment(published, kpi["id"])
        assert (shown["status"], shown["done"], shown["target"]) == (
            kpi["status"],
            kpi["done"],
            kpi["target"],
        ), kpi["id"]
    async with httpx.AsyncClient(timeout=5) as client:
        csv_text = (await client.get(f"{site.public.url}/promises/lund-2017.csv")).text
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(csv_text)) if r["row"] == "commitment"}
    for kpi in kpis["commitments"]:
        row = rows[kpi["id"]]
        assert (row["status"], row["done"]) == (kpi["status"], str(kpi["done"])), kpi["id"]
    swedish = await page(f"{site.public.url}/promises/lund-2017")
    assert "1 av minst 5 genomförda." in swedish
    assert "Uppfyllt" in swedish  # the folder
    assert "Senast uppdaterad" in swedish
    english = await page(f"{site.public.url}/promises/lund-2017", "en-GB,en;q=0.9,sv;q=0.5")
    assert "1 of at least 5 done." in english
    assert "Achieved" in english


async def test_with_the_metrics_service_down_the_site_shows_its_last_figures_and_their_age(
    site: Running, database_url: str
) -> None:
    await report_progress(site.activities.url, database_url)
    await eventually(
        lambda: get_json(f"{site.public.url}/promises/lund-2017.json"),
        lambda body: commitment(body, "volontarinsatser")["done"] == 1,
    )

    report_url = f"{site.public.url}/promises/lund-2017/report/2017.csv"
    async with httpx.AsyncClient(timeout=30) as client:
        report_before = (await client.get(report_url)).text

    stop([site.metrics])

    stale = await eventually(
        lambda: page(f"{site.public.url}/promises/lund-2017"),
        lambda html: "Siffrorna har inte kunnat uppdateras sedan dess" in html,
    )
    assert "1 av minst 5 genomförda." in stale
    assert "Senast uppdaterad" in stale
    # A restart with nothing to read from still has what it kept.
    restarted = site.restart_public()
    await wait_ready(restarted)
    again = await page(f"{restarted.url}/promises/lund-2017")
    assert "1 av minst 5 genomförda." in again
    assert "Siffrorna har inte kunnat uppdateras sedan dess" in again
    published = await get_json(f"{restarted.url}/promises/lund-2017.json")
    assert commitment(published, "klotter-folder")["status"] == "achieved"
    async with httpx.AsyncClient(timeout=30) as client:
        report_after = await client.get(f"{restarted.url}/promises/lund-2017/report/2017.csv")
        never_read = await client.get(f"{restarted.url}/promises/lund-2017/report/2018.csv")
    assert report_after.status_code == 200
    assert report_after.text == report_before  # the report's figures as kept
    assert never_read.status_code == 503


async def test_the_site_s_metrics_say_how_old_its_figures_are_in_prometheus_form(
    site: Running,
) -> None:
    await eventually(
        lambda: get_json(f"{site.public.url}/promises/lund-2017.json"),
        lambda body: body["fetched_at"] is not None,
    )
    async with httpx.AsyncClient(timeout=5) as client:
        exposition = (await client.get(f"{site.public.url}/metrics")).text
    assert 'lofte_public_kpi_reads_total{outcome="read"}' in exposition
    assert 'lofte_public_figures_age_seconds{promise="lund-2017"}' in exposition
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: run `make test`, which installs it"
    checker = await asyncio.create_subprocess_exec(
        promtool,
        "check",
        "metrics",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(checker.communicate(exposition.encode()), 30)
    assert checker.returncode == 0, output.decode()


async def test_the_dcat_catalogue_describes_the_open_data_where_it_is_served(
    site: Running,
) -> None:
    catalogue = await get_json(f"{site.public.url}/dcat.jsonld")

    graph = {node["@id"]: node for node in catalogue["@graph"]}
    [catalog] = [n for n in graph.values() if n["@type"] == "dcat:Catalog"]
    [dataset] = catalog["dcat:dataset"]
    assert graph[catalog["dcterms:publisher"]["@id"]]["foaf:name"]["@value"] == "Lunds kommun"
    assert dataset["dcat:contactPoint"]["vcard:hasEmail"]["@id"].startswith("mailto:")
    assert "Medborgarlöfte Lund" in dataset["dcterms:title"]["@value"]
    served = {}
    async with httpx.AsyncClient(timeout=5) as client:
        for distribution in dataset["dcat:distribution"]:
            response = await client.get(distribution["dcat:downloadURL"]["@id"])
            served[distribution["dcterms:format"]["@id"].rpartition("/")[2]] = (
                response.status_code,
                response.headers["content-type"].partition(";")[0],
            )
    assert served == {"CSV": (200, "text/csv"), "JSON": (200, "application/json")}


async def test_what_those_responsible_publish_is_read_on_the_page(
    site: Running, database_url: str
) -> None:
    volunteers = await get_json(
        f"{site.metrics.url}/v1/promises/lund-2017/kpis/volontarinsatser", site.staff
    )
    said = {
        "specversion": "1.0",
        "id": "forklaring-1",
        "source": "urn:lofte:partner:polisen",
        "type": "explanation.published",
        "time": datetime.now(UTC).isoformat(),
        "data": {
            "commitment": "volontarinsatser",
            "organisations": ["polisen"],
            "period": volunteers["period"],
            "kind": "remedy",
            "text": "Insatserna flyttas till våren, då volontärerna är tillbaka.",
        },
    }
    polisen = await create_key(database_url, "polisen")
    answer = await post_event(site.activities.url, json.dumps(said).encode(), polisen)
    assert answer.status_code == 202, answer.text

    shown = await eventually(
        lambda: page(f"{site.public.url}/promises/lund-2017"),
        lambda html: "Insatserna flyttas till våren" in html,
    )
    assert "Det här gör vi i stället" in shown
    english = await page(f"{site.public.url}/promises/lund-2017", "en")
    assert "What we do instead" in english
