"""The planner's state in PostgreSQL: one jsonb row, locked for the length of a transaction.

Silences and acknowledgements live in tables of their own (the API writes them without
taking the planner's lock); each planning round loads what bears on it: the silences not
yet over, and the acknowledgements of the notifications the state still holds. What the
state forgets on every round is `domain.retention`'s business.
"""

import asyncio
import json
import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from services.notifications.domain import (
    Acknowledgement,
    DispatchState,
    acknowledge,
)
from services.notifications.domain import retention as retention_rules
from services.notifications.domain.retention import held_keys, kept_groups, remembered_keys
from services.notifications.repository.silences import in_force
from services.notifications.repository.state_json import dump_state, load_state
from shared.db import Connection


class StateStore:
    """The state row, read through what this process last wrote or read of it.

    Every round of the delivery planner and every batch of the consumer works on the state under
    its lock; decoding and encoding all of it each time kept the event loop busy for longer
    than anything else the service does. The version column changes with every write, so
    the state held in memory is used only while the row is still the very one it came from:
    a write by another instance, or one rolled back, makes the next lock read the row.
    """

    def __init__(self) -> None:
        self._held: tuple[uuid.UUID, DispatchState] | None = None

    async def lock(self, connection: Connection) -> DispatchState:
        """The stored state, locked until the caller's transaction ends."""
        held_version, held_state = self._held or (None, DispatchState())
        # The document only comes over the wire when it is not the one held.
        row = await connection.fetchrow(
            "SELECT version, CASE WHEN version IS DISTINCT FROM $1 OR version IS NULL"
            " THEN state END AS state FROM dispatch_state FOR UPDATE",
            held_version,
        )
        if row is None:
            raise RuntimeError("dispatch_state has no row: the migrations did not run")
        if row["state"] is None:
            return held_state
        state = await asyncio.to_thread(_decoded, row["state"])
        self._held = None if row["version"] is None else (row["version"], state)
        return state

    async def save(self, connection: Connection, state: DispatchState, at: datetime) -> None:
        """Store `state` as planned at `at`, in the transaction that locked it."""
        # Silences and acknowledgements are loaded afresh each round; storing them here would
        # keep a second, stale copy.
        core = replace(state, silences=(), acknowledgements=())
        if self._held is not None and self._held[1] == core:
            await connection.execute("UPDATE dispatch_state SET updated_at = $1", at)
            return
        version = uuid.uuid4()
        await connection.execute(
            "UPDATE dispatch_state SET state = $1::jsonb, version = $2, updated_at = $3",
            await asyncio.to_thread(_encoded, core),
            version,
            at,
        )
        self._held = (version, core)


# The state's whole text, in a thread: it grows with the notifications held, and the event
# loop serves the consumer, the sender and the scrapes meanwhile.
def _decoded(document: str) -> DispatchState:
    return load_state(json.loads(document))


def _encoded(state: DispatchState) -> str:
    return json.dumps(dump_state(state), ensure_ascii=False)


async def with_answers(
    connection: Connection, state: DispatchState, now: datetime
) -> DispatchState:
    """`state` with the silences in force or to come, and the acknowledgements it needs."""
    silences = await in_force(connection, now)
    keys = held_keys(state)
    rows = await connection.fetch(
        "SELECT notification_key, acknowledged_by, acknowledged_at FROM acknowledgements"
        " WHERE notification_key = ANY($1::text[])",
        sorted(keys),
    )
    answered = replace(state, silences=tuple(silences), acknowledgements=())
    for row in rows:
        answered = acknowledge(
            answered,
            Acknowledgement(
                row["notification_key"], row["acknowledged_by"], row["acknowledged_at"]
            ),
        )
    return answered


async def pruned(
    connection: Connection, state: DispatchState, now: datetime, retention: timedelta
) -> DispatchState:
    """`state` pruned by the retention rules (`domain.retention`) at `now`."""
    cutoff = now - retention
    rows = await connection.fetch(
        "SELECT key FROM notifications WHERE key = ANY($1::text[]) AND created_at < $2",
        remembered_keys(kept_groups(state, cutoff)),
        cutoff,
    )
    return retention_rules.pruned(state, cutoff, {row["key"] for row in rows})
