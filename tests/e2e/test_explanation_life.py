"""An explanation's whole life as the people who read it see it: the police say they
deliberately do not pursue their volunteer operations this period. The KPI API, the public
page, the follow-up report and the police's Monday digest say so, and the commitment stands
`not-pursued` wherever its status is shown; retracted, the explanation is gone from all of
them and the status is again what the activities make it.

Activities, metrics and the public site run as processes on the wall clock. The digest is
the notifications service's own, run with its clock at a Monday morning (the moment a digest
is made) and reading the metrics service's API as of then; after the retraction a second
instance, with a database of its own, makes that same week's digest again.
"""

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from services.public.domain import wording
from services.public.domain.wording import STATUS_SIGNS, STATUSES
from shared.contracts.kpis import Status
from tests.databases import fresh_database
from tests.keys import admin_key, create_key
from tests.notifications_harness import MAIL, STOCKHOLM, Harness, listed
from tests.polling import eventually
from tests.processes import service_env
from tests.public_site import Running, public_site
from tests.readers import commitment_on_page, digest_mailed_to, digest_section, rows_of, text_at
from tests.service_http import get_json, post_event

POLISEN = "urn:lofte:partner:polisen"
POLICE = "Polisen, lokalpolisområde Lund"  # as the promise names them
TITLE = "Riktade trygghetsinsatser med polisens volontärer"
TEXT = "Volontärerna behövs i år vid skolstarten; insatserna görs i vår i stället."
NOT_PURSUED = STATUSES["sv"][Status.NOT_PURSUED]
SAID = "SAGT FÖRRA VECKAN"
BEHIND = "EFTER ELLER RISKERAR ATT MISSAS"


@pytest.fixture
async def site(
    kafka_bootstrap: str, database_url: str, namespace: str, tmp_path: Path
) -> AsyncIterator[Running]:
    env = service_env(kafka_bootstrap, database_url, namespace)
    async with public_site(env, database_url, tmp_path) as running:
        yield running


@dataclass(frozen=True)
class Timeline:
    """When the police say it, when they take it back, and the Monday morning whose digest
    tells of the week they said it in: the coming Monday, unless it falls in the next period
    (whose digest would tell of that one), then this week's, with the words dated last week."""

    said: datetime
    digest_morning: datetime

    @classmethod
    def within(cls, period_end: date) -> "Timeline":
        now = datetime.now(UTC)
        today = now.astimezone(STOCKHOLM).date()
        monday = today + timedelta(days=7 - today.weekday())
        if monday >= period_end:
            monday -= timedelta(days=7)
        # 07:00: made at 06:30, and the night's mute is over.
        morning = datetime.combine(monday, time(7, 0), STOCKHOLM)
        return cls(said=min(now, morning - timedelta(days=1)), digest_morning=morning)

    def retracted(self) -> datetime:
        """Now, or the evening before that Monday if now is later."""
        return min(datetime.now(UTC), self.digest_morning - timedelta(hours=12))


def event(kind: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": POLISEN,
        "type": kind,
        "time": at.isoformat(),
        "data": data,
    }


def day(moment: datetime) -> str:
    """A day as the site and the digest write it: 7 december 2026."""
    return wording.day(moment.astimezone(STOCKHOLM).date(), "sv")


async def polisen_digest(
    harness: Harness, morning: datetime, metrics_url: str, metrics_key: str, database_url: str
) -> str:
    """The digest the police are mailed that Monday morning, by a notifications service that
    keeps what it made in `database_url`."""
    harness.starting_at(morning)
    async with harness.running(
        metrics_url=metrics_url, metrics_api_key=metrics_key, database_url=database_url
    ) as (client, inbox):
        await eventually(
            lambda: listed(client, kind="digest", organisation="polisen"), bool, within=60
        )
        harness.clock.advance(minutes=1)  # past the group wait: the mail goes out
        text = await eventually(
            lambda: digest_mailed_to(inbox, MAIL["polisen"]), lambda text: text is not None
        )
    assert text is not None
    return text


async def test_an_explanation_is_read_everywhere_until_it_is_retracted(
    site: Running,
    kafka_bootstrap: str,
    database_url: str,
    server_database_url: str,
    namespace: str,
    tmp_path: Path,
) -> None:
    kpi_url = f"{site.metrics.url}/v1/promises/lund-2017/kpis/volontarinsatser"
    page_url = f"{site.public.url}/promises/lund-2017"
    before = await get_json(kpi_url, site.staff)
    year = date.fromisoformat(before["period"]["start"]).year
    report_url = f"{site.public.url}/promises/lund-2017/report/{year}"
    when = Timeline.within(date.fromisoformat(before["period"]["end"]))
    polisen = await create_key(database_url, "polisen")
    digest_key = await admin_key(database_url)  # as `make up` gives the notifications service
    harness = Harness(kafka_bootstrap, database_url, namespace, tmp_path)
    said = event(
        "explanation.published",
        when.said,
        {
            "commitment": "volontarinsatser",
            "organisations": ["polisen"],
            "period": before["period"],
            "kind": "not-pursued",
            "text": TEXT,
        },
    )

    published = await post_event(site.activities.url, json.dumps(said).encode(), polisen)

    assert published.status_code == 202, published.text
    kpi = await eventually(
        lambda: get_json(kpi_url, site.staff), lambda kpi: kpi["status"] == "not-pursued"
    )
    assert [(e["kind"], e["text"]) for e in kpi["explanations"]] == [("not-pursued", TEXT)]
    page = await eventually(
        lambda: text_at(page_url),
        lambda page: TEXT in commitment_on_page(page, "volontarinsatser"),
    )
    on_page = commitment_on_page(page, "volontarinsatser")
    assert f"Läge: {STATUS_SIGNS[Status.NOT_PURSUED]} {NOT_PURSUED}" in on_page
    assert f"{NOT_PURSUED} ({POLICE}, {day(when.said)}): {TEXT}" in on_page
    reported = rows_of(await text_at(f"{report_url}.csv"), "volontarinsatser")
    assert [(r["row"], r["status"], r["explanation"]) for r in reported] == [
        ("commitment", "not-pursued", ""),
        ("explanation", "not-pursued", TEXT),
    ]
    assert TEXT in await text_at(f"{report_url}.html")
    digest = await polisen_digest(
        harness, when.digest_morning, site.metrics.url, digest_key, database_url
    )
    assert digest_section(digest, SAID) == [
        f'- {TITLE}, {day(when.said)}: polisen meddelade att det medvetet avstås: "{TEXT}"'
    ]
    assert not any(TITLE in line for line in digest_section(digest, BEHIND))

    retraction = event(
        "event.retracted", when.retracted(), {"event_id": said["id"], "reason": "fel period"}
    )
    withdrawn = await post_event(site.activities.url, json.dumps(retraction).encode(), polisen)

    assert withdrawn.status_code == 202, withdrawn.text
    after = await eventually(lambda: get_json(kpi_url, site.staff), lambda k: not k["explanations"])
    assert after["status"] == before["status"]
    page = await eventually(
        lambda: text_at(page_url),
        lambda page: TEXT not in commitment_on_page(page, "volontarinsatser"),
    )
    status = Status(before["status"])
    on_page = commitment_on_page(page, "volontarinsatser")
    assert f"Läge: {STATUS_SIGNS[status]} {STATUSES['sv'][status]}" in on_page
    assert NOT_PURSUED not in on_page
    reported = rows_of(await text_at(f"{report_url}.csv"), "volontarinsatser")
    assert [(r["row"], r["status"]) for r in reported] == [("commitment", before["status"])]
    assert TEXT not in await text_at(f"{report_url}.html")
    async with fresh_database(server_database_url) as elsewhere:
        again = await polisen_digest(
            harness, when.digest_morning, site.metrics.url, digest_key, elsewhere
        )
    assert digest_section(again, SAID) == ["- Inget."]
