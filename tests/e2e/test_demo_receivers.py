"""What `make up` does for the demo's notifications (infra/bin/services.sh, unless
DEMO_RECEIVERS=0): the project's own mail catcher and webhook inbox run, the shipped Lund
routing is rendered to point every webhook and Teams address at the inbox, and the
notifications service sends mail to the catcher. A missed commitment is then readable in the
mail catcher's page and in the inbox, and no delivery fails."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from shared.contracts import topics
from tests.demo_receivers import Receivers, demo_receivers, missed
from tests.kafka_records import send
from tests.polling import eventually
from tests.processes import service_env, start, stopped_on_exit, wait_ready


@pytest.fixture
def receivers(tmp_path: Path) -> Iterator[Receivers]:
    with demo_receivers(tmp_path) as found:
        yield found


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
