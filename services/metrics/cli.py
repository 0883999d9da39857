"""`lofte metrics rebuild`: the metrics service's operator command."""

import asyncio
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

import asyncpg

from services.metrics import SCHEMA
from services.metrics.main import MIGRATIONS
from services.metrics.rebuild import event_set, kpis_of_schema, rebuild
from services.metrics.settings import MetricsSettings
from shared.cli import promise
from shared.cli.app import run_command
from shared.cli.progress import progress_bar
from shared.cli.registry import Commands, add_command, add_group
from shared.contracts import topics
from shared.messaging.connection import KafkaConnection
from shared.promises import deployed_promises, school_holiday_calendars


def register(commands: Commands) -> None:
    group = add_group(
        commands, "metrics", "the KPI state", "Rebuild and check the metrics service's state."
    )
    command = add_command(
        group,
        "rebuild",
        "rebuild the KPI state from the beginning of the domain topic and compare",
        lambda args: asyncio.run(run_rebuild(args.schema)),
        description="Replays the domain topic from its first record into a fresh schema, "
        "then evaluates the KPIs of every promise from it and from the live schema and "
        "says whether they are equal (exit 0) or not (exit 1). The live state is untouched.",
    )
    command.add_argument(
        "--schema", default=f"{SCHEMA}_rebuild", help="the schema to rebuild into (replaced)"
    )


async def run_rebuild(schema: str) -> int:
    if schema == SCHEMA:
        print("refusing to rebuild into the live schema", file=sys.stderr)
        return 2
    settings = MetricsSettings()
    promises = deployed_promises(settings.promise_files, settings.promises_dir)
    topic = topics.ACTIVITIES.qualified(settings.topic_namespace)
    connection = await asyncpg.connect(str(settings.database_url))
    try:
        done = await rebuild(
            kafka=KafkaConnection.of(settings),
            topic=topic,
            connection=connection,
            schema=schema,
            migrations=MIGRATIONS,
            progress=progress_bar(sys.stderr),
        )
        print(file=sys.stderr)
        print(
            f"{done.records} records read, {done.applied} events applied, "
            f"{done.skipped} undecodable skipped",
            file=sys.stderr,
        )
        at = datetime.now(UTC)
        calendars = school_holiday_calendars()
        rebuilt_events = await event_set(connection, schema)
        live_events = await event_set(connection, SCHEMA)
        rebuilt = await kpis_of_schema(connection, schema, promises, calendars, at)
        live = await kpis_of_schema(connection, SCHEMA, promises, calendars, at)
    finally:
        await connection.close()
    if rebuilt_events == live_events and rebuilt == live:
        print(
            f"the rebuilt state equals the live one: {len(live_events)} events, "
            f"and the KPIs as of {at.isoformat()}",
            file=sys.stderr,
        )
        return 0
    print(
        f"the rebuilt state differs: {len(rebuilt_events - live_events)} events only rebuilt, "
        f"{len(live_events - rebuilt_events)} only live",
        file=sys.stderr,
    )
    for promise_id in sorted(set(rebuilt) | set(live)):
        if rebuilt.get(promise_id) != live.get(promise_id):
            print(f"{promise_id}: the rebuilt KPIs differ from the live ones", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """The metrics commands alone, for an image that holds only this service."""
    return run_command((promise.register, register), argv)


if __name__ == "__main__":
    raise SystemExit(main())
