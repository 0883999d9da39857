"""What `make up` does for the demo's notifications (infra/bin/services.sh, unless
DEMO_RECEIVERS=0): the project's own mail catcher and webhook inbox run, the shipped Lund
routing is rendered to point every webhook and Teams address at the inbox, and the
notifications service sends mail to the catcher. A missed commitment is then readable in the
mail catcher's page and in the inbox, and no delivery fails."""

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from shared.contracts import topics
from shared.contracts.cloudevents import CloudEvent
from shared.contracts.kpi_events import METRICS_SOURCE, CommitmentStatusChanged, PeriodSpan, Status
from tests.demo_receivers import Receivers, demo_receivers
from tests.kafka_records import send
from tests.polling import eventually
from tests.processes import service_env, start, stopped_on_exit, wait_ready


@pytest.fixture
def receivers(tmp_path: Path) -> Iterator[Receivers]:
    with demo_receivers(tmp_path) as found:
        yield found


def missed(commitment: str, organisation: str) -> CloudEvent:
    data = CommitmentStatusChanged(
        promise="lund-2017",
        commitment=commitment,
        focus_area="trygghet",
        organisations=[organisation],
        old_status=Status.BEHIND,
        new_status=Status.MISSED,
        period=PeriodSpan(start=date(2017, 1, 1), end=date(2018, 1, 1)),
        figures={"done": 1, "target": 5},
    )
    return CloudEvent(
        specversion="1.0",
        id=str(uuid.uuid4()),
        source=METRICS_SOURCE,
        type=data.TYPE,
        time=datetime.now(UTC),
        subject=commitment,
        data=data.model_dump(mode="json"),
    )


async def get_json(url: str) -> Any:
    async with httpx.AsyncClient(timeout=5) as client:
        return (await client.get(url)).json()


async def test_a_fresh_demo_s_notifications_are_read_in_the_mail_catcher_and_the_inbox(
    receivers: Receivers, kafka_bootstrap: str, database_url: str, namespace: str, tmp_path: Path
) -> None:
    env = {
        **service_env(kafka_bootstrap, database_url, namespace),
        **receivers.notifications_env(),
    }
    notifications = start("notifications", env, tmp_path)
    with stopped_on_exit([notifications]):
        await wait_ready(notifications)
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
        await producer.start()
        try:
            told = missed("volontarinsatser", "polisen")
            await (await send(producer, told, topics.METRICS.qualified(namespace)))
        finally:
            await producer.stop()

        mails = await eventually(lambda: get_json(f"{receivers.mail_page}/email"), bool, within=60)
        posts = await eventually(lambda: get_json(f"{receivers.inbox}/messages.json"), bool)
        async with httpx.AsyncClient(timeout=5) as client:
            page = (await client.get(receivers.inbox)).text

    [mail] = mails
    assert [to["address"] for to in mail["to"]] == ["medborgarlofte.lund@polisen.example.org"]
    assert "missat" in mail["subject"]
    assert [post["path"] for post in posts] == ["/webhooks/polisen"]
    assert "volontarinsatser" in str(posts[0]["body"])
    assert "/webhooks/polisen" in page
    assert "delivery failed" not in notifications.log.read_text()
