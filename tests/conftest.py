import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from tests import identity_provider, infrastructure
from tests.databases import fresh_database


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    with infrastructure.kafka_bootstrap_servers() as servers:
        yield servers


@pytest.fixture(scope="session")
def server_database_url() -> Iterator[str]:
    with infrastructure.database_url() as url:
        yield url


@pytest.fixture(scope="session")
def keycloak() -> Iterator[str]:
    """The base URL of a Keycloak with the test realms (see tests/identity_provider.py)."""
    with identity_provider.keycloak_url() as url:
        yield url


@pytest.fixture
async def database_url(server_database_url: str) -> AsyncIterator[str]:
    """A database of its own for each test, dropped afterwards."""
    async with fresh_database(server_database_url) as url:
        yield url


@pytest.fixture
def namespace() -> str:
    """A topic prefix of its own for each test, so tests never read each other's records."""
    return f"t{uuid.uuid4().hex[:10]}."


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests are marked by the tier their folder names, so `-m` can pick a tier."""
    for item in items:
        tier = item.path.parent.name
        if tier in ("integration", "e2e", "chaos"):
            item.add_marker(getattr(pytest.mark, tier))
