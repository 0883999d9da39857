"""PROMISES_DIR: every service serves the promises of the folder; a bad file stops the start
with the problems and where they are."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from pydantic import PostgresDsn

from services.activities.main import create_app as create_activities
from services.activities.settings import ActivitiesSettings
from services.metrics.main import create_app as create_metrics
from services.metrics.settings import MetricsSettings
from services.notifications.main import create_app as create_notifications
from services.notifications.settings import NotificationsSettings
from tests.asgi import serving
from tests.keys import admin_key, bearer
from tests.processes import ROOT
from tests.unit.test_promise_files import MINIMAL

# A promise with a party Lund 2017 does not have, so that every service's answer shows it.
BRANDKAREN = (
    MINIMAL.replace("id: test-promise", "id: brandkaren-2017")
    .replace("{id: kommunen, name: Kommunen}", "{id: brandkaren, name: Brandkåren}")
    .replace("[polisen, kommunen]", "[polisen, brandkaren]")
    .replace("[kommunen]", "[brandkaren]")
)


def promises_dir(folder: Path) -> Path:
    folder.mkdir()
    (folder / "brandkaren-2017.yaml").write_text(BRANDKAREN, encoding="utf-8")
    return folder


async def test_every_service_serves_the_promises_of_the_folder(
    kafka_bootstrap: str, database_url: str, namespace: str, tmp_path: Path
) -> None:
    common: dict[str, Any] = {
        "kafka_bootstrap_servers": kafka_bootstrap,
        "database_url": PostgresDsn(database_url),
        "topic_namespace": namespace,
        "promises_dir": promises_dir(tmp_path / "promises"),
    }

    admin = bearer(await admin_key(database_url))
    activities = create_activities(ActivitiesSettings(**common, consumer_group=f"{namespace}a"))
    async with serving(activities, admin) as client:
        listed = [p["id"] for p in (await client.get("/v1/promises")).json()["items"]]
    metrics = create_metrics(MetricsSettings(**common, consumer_group=f"{namespace}m"))
    async with serving(metrics, admin) as client:
        kpis = (await client.get("/v1/promises/brandkaren-2017/kpis")).json()
    notifications = create_notifications(
        NotificationsSettings(**common, consumer_group=f"{namespace}n")
    )
    async with serving(notifications) as client:
        series = (await client.get("/metrics")).text

    assert listed == ["lund-2017", "brandkaren-2017"]
    assert [c["id"] for c in kpis["commitments"]] == ["vandringar", "folder"]
    assert 'organisation="brandkaren"' in series


def test_a_bad_file_stops_the_start_with_its_problems(tmp_path: Path) -> None:
    folder = promises_dir(tmp_path / "promises")
    (folder / "trasig.yaml").write_text(BRANDKAREN.replace("at_least: 2", "at_least: many"))

    started = subprocess.run(
        [sys.executable, "-m", "services.metrics"],
        cwd=ROOT,
        env={**os.environ, "PROMISES_DIR": str(folder)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert started.returncode == 1
    assert started.stderr.splitlines() == [
        "cannot start: the promises do not load",
        f"{folder}/trasig.yaml:16:37 commitments[0].target.at_least: "
        "Input should be a valid integer, unable to parse string as an integer",
    ]
