"""The public site as `make up` runs it, beside the services it reads: every one a process
on the real broker and database."""

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.factories import activity_completed, deliverable_completed
from tests.keys import create_key, staff_key
from tests.processes import ServiceProcess, free_port, start, stop, wait_ready
from tests.service_http import post_event


@dataclass
class Running:
    activities: ServiceProcess
    metrics: ServiceProcess
    public: ServiceProcess
    staff: str
    log_dir: Path
    public_env: dict[str, str]

    def restart_public(self) -> ServiceProcess:
        stop([self.public])
        self.public = start("public", self.public_env, self.log_dir, port=self.public.port)
        return self.public


@contextlib.asynccontextmanager
async def public_site(
    env: dict[str, str], database_url: str, log_dir: Path, **public: str
) -> AsyncIterator[Running]:
    """Activities, metrics and the public site reading the metrics service with the
    municipality's staff key (as `make up` gives it), its figures kept in `log_dir`."""
    staff = await staff_key(database_url, "kommunen")
    activities = start("activities", env, log_dir)
    metrics = start("metrics", env, log_dir)
    port = free_port()
    public_env = {
        **env,
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "METRICS_URL": metrics.url,
        "METRICS_API_KEY": staff,
        "STATE_DIR": str(log_dir / "public-state"),
        "REFRESH_SECONDS": "0.5",
        **public,
    }
    running = Running(
        activities, metrics, start("public", public_env, log_dir, port), staff, log_dir, public_env
    )
    try:
        for service in (activities, metrics, running.public):
            await wait_ready(service)
        yield running
    finally:
        stop([running.public, metrics, activities])


async def report_progress(activities_url: str, database_url: str) -> None:
    """Two things the parties did this year: the graffiti folder is done, and one of the
    five safety operations with police volunteers was carried out."""
    polisen = await create_key(database_url, "polisen")
    a_day_ago = datetime.now(UTC) - timedelta(days=1)
    folder = deliverable_completed("klotter-folder", time=a_day_ago)
    volunteers = activity_completed("volontarinsatser", organisations=("polisen",), time=a_day_ago)
    for body in (folder, volunteers):
        response = await post_event(activities_url, json.dumps(body).encode(), polisen)
        assert response.status_code == 202, response.text
