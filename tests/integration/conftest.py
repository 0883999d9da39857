from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from pydantic import PostgresDsn

from services.metrics import SCHEMA
from services.metrics.main import MIGRATIONS
from services.metrics.settings import MetricsSettings
from shared.runtime import open_database
from tests.notifications_harness import Harness


@pytest.fixture
async def metrics_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """The metrics service's schema, migrated, and a pool on it as the service opens it."""
    settings = MetricsSettings(database_url=PostgresDsn(database_url))
    opened = await open_database(settings, SCHEMA, MIGRATIONS)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def notifications(
    kafka_bootstrap: str, database_url: str, namespace: str, tmp_path: Path
) -> Harness:
    """The notifications service, ready to be fed and started by the test."""
    return Harness(kafka_bootstrap, database_url, namespace, tmp_path)
