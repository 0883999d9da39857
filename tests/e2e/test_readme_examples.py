"""The README's partner examples (curl, Python with httpx, kcat) run as written against the
activities and metrics services running as processes on the real broker and database, so
that the documented examples can never rot.

kcat comes from `infra/bin/kcat.sh install`, which `make test` runs: without it this test
fails, it never skips.
"""

import asyncio
import os
import re
import shutil
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from shared.access import Role
from shared.contracts import topics
from shared.messaging.admin import ensure_topics
from shared.messaging.connection import KafkaConnection
from tests.databases import fresh_database
from tests.keys import bearer, create_key
from tests.polling import eventually
from tests.processes import ROOT, service_env, start, stopped_on_exit, wait_ready

README = ROOT / "README.md"
EXAMPLE = re.compile(
    r"<!-- example: (?P<name>[\w-]+) -->\n```(?P<language>\w+)\n(?P<code>.*?)```", re.S
)
SOURCE = "urn:lofte:partner:polisen"


def examples() -> dict[str, tuple[str, str]]:
    """The README's marked examples by name: (language, code)."""
    return {
        found["name"]: (found["language"], found["code"])
        for found in EXAMPLE.finditer(README.read_text(encoding="utf-8"))
    }


@dataclass
class Partner:
    env: dict[str, str]
    url: str
    key: str

    async def run(self, name: str) -> str:
        """Run the README's example `name` as a reader would; its output."""
        language, code = examples()[name]
        command = {
            "sh": ["bash", "-euo", "pipefail", "-c", code],
            "python": [sys.executable, "-c", code],
        }
        process = await asyncio.create_subprocess_exec(
            *command[language],
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, f"the {name} example failed:\n{out.decode()}{err.decode()}"
        return out.decode()

    async def receipt(self, event_id: str) -> Any:
        async with httpx.AsyncClient(timeout=10, headers=bearer(self.key)) as client:
            response = await client.get(
                f"{self.url}/v1/events/{SOURCE.replace(':', '%3A')}/{event_id}"
            )
        return response.json()


@pytest.fixture(scope="module")
async def partner(
    kafka_bootstrap: str, server_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Partner]:
    namespace = f"t{uuid.uuid4().hex[:10]}."
    log_dir = tmp_path_factory.mktemp("examples")
    async with fresh_database(server_database_url) as database_url:
        key = await create_key(database_url, "polisen")
        admin = await create_key(database_url, None, Role.ADMIN)
        env = service_env(kafka_bootstrap, database_url, namespace)
        await ensure_topics(KafkaConnection(kafka_bootstrap), topics.ALL, namespace)
        metrics = start("metrics", env, log_dir)
        with stopped_on_exit([metrics]):
            await wait_ready(metrics)
            activities = start(
                "activities", {**env, "METRICS_URL": metrics.url, "METRICS_API_KEY": admin}, log_dir
            )
            with stopped_on_exit([activities]):
                await wait_ready(activities)
                # What the README's first block sets, for this test's services.
                where = {
                    "URL": activities.url,
                    "KEY": key,
                    "BOOTSTRAP": kafka_bootstrap,
                    "TOPIC": topics.INGEST.qualified(namespace),
                }
                yield Partner(where, activities.url, key)


def test_the_readme_shows_each_partner_example() -> None:
    assert {name: language for name, (language, _) in examples().items()} == {
        "curl": "sh",
        "httpx": "python",
        "kcat": "sh",
    }


async def test_the_curl_example_reports_a_walk_and_reads_its_receipt(partner: Partner) -> None:
    output = await partner.run("curl")

    accepted, receipt = output.splitlines()[-2:]
    assert accepted == '{"accepted":["walk-2017-04-12"]}'
    assert '"id":"walk-2017-04-12"' in receipt
    applied = await eventually(
        lambda: partner.receipt("walk-2017-04-12"), lambda r: r["status"] == "applied"
    )
    assert [k["id"] for k in applied["applied"]["counts_towards"]] == [
        "trygghetsvandringar-ungdomar"
    ]


async def test_the_httpx_example_reports_reads_its_receipt_and_pages_the_register(
    partner: Partner,
) -> None:
    output = await partner.run("httpx")

    lines = output.splitlines()
    assert lines[0] == "{'accepted': ['sno-2017-04-03']}"
    assert lines[1] in ("registered", "published", "applied")
    assert "sno-2017-04-03 2017-04-03T09:00:00+02:00" in lines[2:]


async def test_the_kcat_example_produces_an_event_the_service_registers(partner: Partner) -> None:
    assert shutil.which("kcat"), "kcat is missing: infra/bin/kcat.sh install (make test runs it)"

    await partner.run("kcat")

    receipt = await eventually(
        lambda: partner.receipt("sno-2017-04-10"), lambda r: r.get("status") == "applied"
    )
    assert receipt["registered"]["channel"] == "kafka"
    assert [k["id"] for k in receipt["applied"]["counts_towards"]] == ["sno-mote"]
