"""What the services hold in PostgreSQL, read straight from their schemas: the books a chaos
test audits once the services have settled."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from services.metrics.domain.facts import KnownEvent
from shared.contracts.cloudevents import parse_structured
from shared.contracts.events import parse_data

Identity = tuple[str, str]


@dataclass(frozen=True)
class Books:
    connection: asyncpg.Connection

    async def register(self) -> list[Identity]:
        """Every (source, id) in the activity register; a list, so a repeat would show."""
        rows = await self.connection.fetch("SELECT source, id FROM activities.register")
        return [(row["source"], row["id"]) for row in rows]

    async def register_order(self) -> dict[Identity, int]:
        """Each registered event's place in the register's order (`register_seq`)."""
        rows = await self.connection.fetch(
            "SELECT source, id, register_seq FROM activities.register"
        )
        return {(row["source"], row["id"]): row["register_seq"] for row in rows}

    async def register_events(self) -> list[KnownEvent]:
        """The register as the metrics engine reads events."""
        rows = await self.connection.fetch("SELECT event FROM activities.register")
        events = [parse_structured(json.loads(row["event"])) for row in rows]
        return [KnownEvent(event, parse_data(event)) for event in events]

    async def applied(self) -> list[Identity]:
        rows = await self.connection.fetch("SELECT source, id FROM metrics.applied_events")
        return [(row["source"], row["id"]) for row in rows]

    async def count(self, table: str) -> int:
        found: int = await self.connection.fetchval(f"SELECT count(*) FROM {table}")  # noqa: S608
        return found

    async def last_evaluation(self) -> datetime | None:
        """When the least recent of the partitions' owners last began to evaluate them."""
        moment: datetime | None = await self.connection.fetchval(
            "SELECT min(evaluated_at) FROM metrics.partition_owners"
        )
        return moment

    async def received(self) -> set[str]:
        rows = await self.connection.fetch("SELECT id FROM notifications.received_events")
        return {row["id"] for row in rows}

    async def notifications(self) -> list[dict[str, Any]]:
        rows = await self.connection.fetch(
            "SELECT key, kind, organisation, source_event_id, state"
            " FROM notifications.notifications"
        )
        return [dict(row) for row in rows]

    async def deliveries(self) -> list[dict[str, Any]]:
        rows = await self.connection.fetch(
            "SELECT id, channel, status, attempts, new_keys FROM notifications.deliveries"
        )
        return [dict(row) for row in rows]

    async def unfinished(self) -> int:
        """Notifications not yet sent, and deliveries not yet done."""
        waiting: int = await self.connection.fetchval(
            "SELECT (SELECT count(*) FROM notifications.notifications WHERE state <> 'sent')"
            " + (SELECT count(*) FROM notifications.deliveries WHERE status <> 'delivered')"
        )
        return waiting


@asynccontextmanager
async def opened(database_url: str) -> AsyncIterator[Books]:
    connection = await asyncpg.connect(database_url)
    try:
        yield Books(connection)
    finally:
        await connection.close()


async def count_in(database_url: str, table: str) -> int:
    """Rows in `table`, on a connection of its own: for probes while servers come and go."""
    async with opened(database_url) as books:
        return await books.count(table)
