import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chaos.report import Report, report_path
from tests.chaos.servers import SharedServers, shared_servers


@pytest.fixture(scope="session")
def report(pytestconfig: pytest.Config) -> Iterator[Report]:
    kept = Report(pytestconfig)
    try:
        yield kept
    finally:
        kept.say(f"report written to {kept.write()}")


@pytest.fixture(scope="session")
def chaos_seed(report: Report) -> int:
    """Random unless LOFTE_CHAOS_SEED says otherwise; printed, so a failing run can be
    replayed with the same kills at the same moments and the events in the same order."""
    seed = int(os.environ.get("LOFTE_CHAOS_SEED") or random.SystemRandom().randrange(10**6))
    report.say(f"seed {seed} (LOFTE_CHAOS_SEED={seed} replays it)")
    report.entries["seed"] = seed
    return seed


@pytest.fixture(scope="session")
def servers(kafka_bootstrap: str, server_database_url: str) -> Iterator[SharedServers]:
    """The session's broker and database, running again when the tests are done with them."""
    found = shared_servers(kafka_bootstrap, server_database_url)
    try:
        yield found
    finally:
        found.ensure_running()


@pytest.fixture
def service_logs(request: pytest.FixtureRequest) -> Path:
    """Where a chaos test's services write their logs: kept beside `report.json` after the
    run (a fresh folder per test), so that a failure can be read after the fact."""
    folder: Path = report_path().parent / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
