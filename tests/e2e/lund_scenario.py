"""A small Lund season through the public API, so that every kind of KPI has something to show.

Times are in the current year (the services count by their real clock): activities for count,
recurring and coverage commitments, a deliverable, drug and vandalism incidents now and a
year earlier (the outcomes' comparison), and one malformed record straight onto the domain
topic, which the metrics service must dead-letter.
"""

import asyncio
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from aiokafka import AIOKafkaProducer

from shared.contracts import topics
from tests.factories import activity_completed, deliverable_completed, incident_recorded

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def recently() -> datetime:
    """Ten minutes ago, unless that was last year."""
    now = datetime.now(UTC)
    new_year = datetime(now.astimezone(STOCKHOLM).year, 1, 1, tzinfo=STOCKHOLM)
    return max(now - timedelta(minutes=10), new_year.astimezone(UTC))


def a_year_before(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - 1, day=28)


def incident(category: str, age_band: str, time: datetime) -> dict[str, Any]:
    event = incident_recorded(category, age_band=age_band)
    event["time"] = time.isoformat()
    return event


def events_by_organisation() -> dict[str, list[dict[str, Any]]]:
    when = recently()
    before = a_year_before(when)
    return {
        "polisen": [
            activity_completed("sno-mote", organisations=("polisen", "kommunen"), time=when),
            activity_completed("volontarinsatser", organisations=("polisen",), time=when),
            activity_completed(
                "handelsebaserade-trygghetsvandringar",
                organisations=("polisen", "kommunen"),
                time=when,
            ),
            activity_completed(
                "motesplatser-besok",
                organisations=("polisen",),
                time=when,
                place="Fritidsgården Arken",
            ),
            deliverable_completed("klotter-folder", organisations=("polisen",), time=when),
            incident("narkotika.bruk", "under-25", when),
            incident("skadegorelse.klotter", "25-plus", when),
            incident("narkotika.innehav", "under-25", before),
            incident("skadegorelse", "okand", before),
        ],
        "raddningstjansten": [
            activity_completed(
                "kontakt-forskoleklass-ak5",
                organisations=("raddningstjansten",),
                time=when,
                place="Provskolan åk 5",
                source="urn:lofte:partner:raddningstjansten-test",
            )
        ],
        "kommunen": [
            activity_completed(
                "ungdomsdialoger-natet",
                organisations=("kommunen",),
                time=when,
                source="urn:lofte:partner:kommunen-test",
            )
        ],
    }


async def create_key(database_url: str, organisation: str) -> str:
    """As an operator would: `lofte keys create` prints only the key."""
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "lofte"),
        "keys",
        "create",
        "--org",
        organisation,
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode(errors="replace")
    return stdout.decode().strip()


async def post_batch(activities_url: str, key: str, events: list[dict[str, Any]]) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            f"{activities_url}/v1/events",
            content=json.dumps(events).encode(),
            headers={
                "content-type": "application/cloudevents-batch+json",
                "authorization": f"Bearer {key}",
            },
        )
    assert response.status_code == 202, response.text


async def produce_malformed(kafka_bootstrap: str, namespace: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(
            topics.ACTIVITIES.qualified(namespace),
            b"\x00not json",
            key=b"volontarinsatser",
            headers=[("ce_id", b"malformed-1")],
        )
    finally:
        await producer.stop()


async def drive_scenario(
    activities_url: str, database_url: str, kafka_bootstrap: str, namespace: str
) -> None:
    batches = events_by_organisation()
    keys = await asyncio.gather(*(create_key(database_url, org) for org in batches))
    await asyncio.gather(
        *(
            post_batch(activities_url, key, events)
            for key, events in zip(keys, batches.values(), strict=True)
        ),
        produce_malformed(kafka_bootstrap, namespace),
    )
