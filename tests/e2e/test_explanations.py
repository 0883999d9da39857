"""An explanation's life through the running services: the police say why volunteer efforts
were not pursued this year; the KPI API shows it and the commitment stands `not-pursued`;
another organisation may not explain the police's commitment, and nobody may put a
personnummer in one; retracted, the explanation is gone and the status is what the
activities make it again."""

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.keys import create_key, staff_key
from tests.polling import eventually
from tests.processes import ServiceProcess, all_services, service_env, wait_ready
from tests.service_http import get_json, post_event

POLISEN = "urn:lofte:partner:polisen"
TEXT = "Volontärerna behövdes i år vid skolstarten; vi gör insatserna i vår i stället."


@pytest.fixture
def running(
    kafka_bootstrap: str, database_url: str, namespace: str, tmp_path: Path
) -> Iterator[dict[str, ServiceProcess]]:
    with all_services(service_env(kafka_bootstrap, database_url, namespace), tmp_path) as up:
        yield up


def explanation(period: dict[str, str], text: str = TEXT, **data: Any) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": POLISEN,
        "type": "explanation.published",
        "time": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        "data": {
            "commitment": "volontarinsatser",
            "organisations": ["polisen"],
            "period": period,
            "kind": "not-pursued",
            "text": text,
            **data,
        },
    }


def retraction(of: dict[str, Any]) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": POLISEN,
        "type": "event.retracted",
        "time": datetime.now(UTC).isoformat(),
        "data": {"event_id": of["id"], "reason": "publicerad av misstag"},
    }


async def test_an_explanation_is_shown_counts_and_goes_when_retracted(
    running: dict[str, ServiceProcess], database_url: str
) -> None:
    for service in running.values():
        await wait_ready(service)
    activities, metrics = running["activities"].url, running["metrics"].url
    polisen = await create_key(database_url, "polisen")
    kommunen = await create_key(database_url, "kommunen")
    staff = await staff_key(database_url, "polisen")
    kpi_url = f"{metrics}/v1/promises/lund-2017/kpis/volontarinsatser"
    before = await get_json(kpi_url, staff)
    said = explanation(before["period"])

    accepted = await post_event(activities, json.dumps(said).encode(), polisen)
    not_theirs = await post_event(activities, json.dumps(said).encode(), kommunen)
    personal = await post_event(
        activities,
        json.dumps(explanation(before["period"], "ring 19121212-1212")).encode(),
        polisen,
    )

    assert accepted.status_code == 202, accepted.text
    assert not_theirs.status_code == 403
    assert personal.status_code == 422
    assert "19121212" not in personal.text
    shown = await eventually(
        lambda: get_json(kpi_url, staff), lambda kpi: kpi["status"] == "not-pursued"
    )
    [explained] = shown["explanations"]
    assert explained["kind"] == "not-pursued"
    assert explained["text"] == TEXT
    assert explained["organisations"] == ["polisen"]

    withdrawn = await post_event(activities, json.dumps(retraction(said)).encode(), polisen)

    assert withdrawn.status_code == 202
    after = await eventually(lambda: get_json(kpi_url, staff), lambda kpi: not kpi["explanations"])
    assert after["status"] == before["status"]
