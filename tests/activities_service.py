"""The activities service in-process, as the integration tests run it: on the test's broker,
database and topic namespace, with its own consumer group."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from pydantic import PostgresDsn

from services.activities.main import create_app
from services.activities.settings import ActivitiesSettings
from tests.asgi import serving


def activities_settings(
    kafka: str, database_url: str, namespace: str, **more: Any
) -> ActivitiesSettings:
    return ActivitiesSettings(
        kafka_bootstrap_servers=kafka,
        database_url=PostgresDsn(database_url),
        topic_namespace=namespace,
        consumer_group=f"{namespace}activities",
        **more,
    )


@asynccontextmanager
async def activities_client(
    kafka: str, database_url: str, namespace: str, **more: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """The service started as in production (lifespan included), and a client of it."""
    settings = activities_settings(kafka, database_url, namespace, **more)
    async with serving(create_app(settings)) as client:
        yield client
