"""The planner's state in PostgreSQL: saved and locked as one row, given the silences and
answers that bear on it, and kept from growing for ever."""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from services.notifications import SCHEMA
from services.notifications.domain import DispatchState, Silence
from services.notifications.repository import dispatch_state, silences
from services.notifications.repository import notifications as notification_records
from shared.contracts.kpi_events import Status
from shared.db.migrations import migrate
from tests.unit.test_notifications_planner import Desk, local

MIGRATIONS = Path(__file__).parents[2] / "services" / "notifications" / "migrations"


@pytest.fixture
async def connection(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(database_url, server_settings={"search_path": SCHEMA})
    await migrate(connection, SCHEMA, MIGRATIONS)
    try:
        yield connection
    finally:
        await connection.close()


async def recorded(connection: asyncpg.Connection, desk: Desk) -> None:
    """Record every notification the desk's state holds, as the consumer would have."""
    held = [p.notification for p in desk.state.pending]
    held += [n for group in desk.state.groups for n in group.open]
    held += [c.notification for c in desk.state.critical]
    held += [n for _, delivery in desk.sent for n in delivery.notifications]
    for notification in {n.key: n for n in held}.values():
        await notification_records.insert_notifications(
            connection, [notification], notification.occurred_at
        )


def volunteers_missed() -> Desk:
    """The desk once the volunteers' commitment was told missed, on a Tuesday morning."""
    desk = Desk()
    desk.tell("e1", "volontarinsatser", Status.MISSED, local(2017, 5, 16, 10, 0))
    return desk


async def saved(
    store: dispatch_state.StateStore,
    connection: asyncpg.Connection,
    state: DispatchState,
    at: datetime,
) -> None:
    """A round of `store`'s instance: lock the state, save `state` as planned at `at`."""
    async with connection.transaction():
        await store.lock(connection)
        await store.save(connection, state, at)


async def read(store: dispatch_state.StateStore, connection: asyncpg.Connection) -> DispatchState:
    async with connection.transaction():
        return await store.lock(connection)


async def test_the_state_is_saved_and_read_back_under_a_lock(
    connection: asyncpg.Connection,
) -> None:
    desk = volunteers_missed()
    desk.advance(local(2017, 5, 16, 12, 0))
    writer, reader = dispatch_state.StateStore(), dispatch_state.StateStore()  # two instances

    assert await read(writer, connection) == DispatchState()
    await saved(writer, connection, desk.state, local(2017, 5, 16, 12, 0))

    assert await read(reader, connection) == desk.state
    assert await read(writer, connection) == desk.state


async def test_an_instance_sees_what_another_wrote_after_its_own_write(
    connection: asyncpg.Connection,
) -> None:
    desk = volunteers_missed()
    first = desk.state
    desk.tell("e2", "narkotikabrott-unga", Status.MISSED, local(2017, 5, 16, 11, 0))
    this, other = dispatch_state.StateStore(), dispatch_state.StateStore()

    await saved(this, connection, first, local(2017, 5, 16, 10, 0))
    await saved(other, connection, desk.state, local(2017, 5, 16, 11, 0))

    assert await read(this, connection) == desk.state


async def test_a_write_rolled_back_is_not_read_back_from_memory(
    connection: asyncpg.Connection,
) -> None:
    desk = volunteers_missed()
    store = dispatch_state.StateStore()

    round_ = connection.transaction()  # a round that fails after saving rolls back
    await round_.start()
    await store.lock(connection)
    await store.save(connection, desk.state, local(2017, 5, 16, 10, 0))
    await round_.rollback()

    assert await read(store, connection) == DispatchState()


async def test_a_round_that_changes_nothing_still_says_when_it_planned(
    connection: asyncpg.Connection,
) -> None:
    desk = volunteers_missed()
    store = dispatch_state.StateStore()
    await saved(store, connection, desk.state, local(2017, 5, 16, 10, 0))

    await saved(store, connection, desk.state, local(2017, 5, 16, 10, 5))

    planned = await connection.fetchval("SELECT updated_at FROM dispatch_state")
    assert planned == local(2017, 5, 16, 10, 5)
    assert await read(dispatch_state.StateStore(), connection) == desk.state


async def test_answers_and_silences_are_loaded_for_what_the_state_holds(
    connection: asyncpg.Connection,
) -> None:
    desk = Desk()
    desk.tell("e1", "volontarinsatser", Status.MISSED, local(2017, 5, 16, 10, 0))
    desk.tell("e2", "narkotikabrott-unga", Status.MISSED, local(2017, 5, 16, 10, 0))
    desk.advance(local(2017, 5, 16, 10, 1))
    await recorded(connection, desk)
    now = local(2017, 5, 16, 11, 0)
    await notification_records.acknowledge(connection, "e1/polisen", "anna", "api", now)
    for silence_id, hours in (("over", -1), ("current", 2)):
        await silences.create(
            connection,
            Silence.model_validate(
                {
                    "id": silence_id,
                    "matchers": ['organisation="polisen"'],
                    "starts_at": now - timedelta(hours=3),
                    "ends_at": now + timedelta(hours=hours),
                    "created_by": "anna",
                    "comment": "test",
                }
            ),
            now,
        )

    answered = await dispatch_state.with_answers(connection, desk.state, now)

    assert [a.notification_key for a in answered.acknowledgements] == ["e1/polisen"]
    assert [s.id for s in answered.silences] == ["current"]
    # The answer is applied: no longer open, no longer a candidate for escalation.
    assert all(n.key != "e1/polisen" for g in answered.groups for n in g.open)
    assert [c.notification.key for c in answered.critical] == ["e2/polisen"]


async def test_idle_groups_and_old_keys_are_pruned_and_what_is_open_stays(
    connection: asyncpg.Connection,
) -> None:
    desk = Desk()
    at = local(2017, 5, 2, 10, 0)  # a Tuesday, in office hours
    desk.tell("e1", "trygghetsvandringar-ungdomar", Status.ACHIEVED, at)  # told once, to all three
    desk.tell("e2", "volontarinsatser", Status.AT_RISK, at)  # polisen's, open until answered
    desk.advance(at + timedelta(minutes=1))
    await recorded(connection, desk)
    assert len(desk.state.groups) == 3

    pruned = await dispatch_state.pruned(
        connection, desk.state, local(2017, 6, 15, 10, 0), timedelta(days=30)
    )

    [group] = pruned.groups
    assert group.receiver == "polisen"
    assert [n.key for n in group.open] == ["e2/polisen"]
    assert group.sent_keys == {"e2/polisen"}  # e1 is old and answered nothing: forgotten
    recent = await dispatch_state.pruned(connection, desk.state, at, timedelta(days=30))
    assert recent == desk.state
