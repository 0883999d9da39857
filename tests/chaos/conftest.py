import os
import random
from collections.abc import Iterator

import pytest

from tests.chaos.report import Report
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
