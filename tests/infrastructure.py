"""Where the tests find Kafka and PostgreSQL.

A configured service wins (`KAFKA_BOOTSTRAP_SERVERS`, `DATABASE_URL`; `make test` starts
both on loopback and sets them). With neither configured and a Docker engine available,
throwaway containers are started. Otherwise the tests fail loudly: they never skip.
"""

import contextlib
import os
from collections.abc import Iterator
from typing import Any

NO_SERVICE = (
    "{name} is not configured: set {variable} (run the tests with `make test`, which starts "
    "Kafka and PostgreSQL on loopback) or make a Docker engine available for testcontainers."
)


def docker_available() -> bool:
    try:
        import docker  # type: ignore[import-untyped]

        client: Any = docker.from_env(timeout=3)
        return bool(client.ping())
    except Exception:
        return False


@contextlib.contextmanager
def kafka_bootstrap_servers() -> Iterator[str]:
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield configured
        return
    if not docker_available():
        raise RuntimeError(NO_SERVICE.format(name="Kafka", variable="KAFKA_BOOTSTRAP_SERVERS"))
    from testcontainers.kafka import KafkaContainer

    with KafkaContainer().with_kraft() as container:
        yield container.get_bootstrap_server()


@contextlib.contextmanager
def database_url() -> Iterator[str]:
    configured = os.environ.get("DATABASE_URL")
    if configured:
        yield configured
        return
    if not docker_available():
        raise RuntimeError(NO_SERVICE.format(name="PostgreSQL", variable="DATABASE_URL"))
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:15", driver=None) as container:
        yield container.get_connection_url()
