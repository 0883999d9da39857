from collections.abc import AsyncIterator

import asyncpg
import pytest
from pydantic import PostgresDsn

from services.metrics import SCHEMA
from services.metrics.main import MIGRATIONS
from services.metrics.settings import MetricsSettings
from shared.runtime import open_database


@pytest.fixture
async def metrics_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """The metrics service's schema, migrated, and a pool on it as the service opens it."""
    settings = MetricsSettings(database_url=PostgresDsn(database_url))
    opened = await open_database(settings, SCHEMA, MIGRATIONS)
    try:
        yield opened
    finally:
        await opened.close()
