"""`lofte events show SOURCE ID`: an event's receipt for operators, as the API gives it to
partners (`GET /v1/events/{source}/{id}`), read from the register and the metrics service."""

import asyncio
import sys
from datetime import datetime, timedelta

import asyncpg

from services.activities import SCHEMA, receipts
from services.activities.metrics_lookup import MetricsLookup
from services.activities.settings import ActivitiesSettings
from shared.cli.registry import Commands, add_command
from shared.contracts import topics
from shared.contracts.receipts import KpiCounted, Receipt
from shared.db.pool import create_pool


def register(events: Commands) -> None:
    show = add_command(
        events,
        "show",
        "what became of one event: registered, published, applied (towards which KPIs), "
        "retracted or refused, and why",
        lambda args: asyncio.run(show_receipt(args.source, args.id, args.json)),
        description=__doc__,
    )
    show.add_argument("source", metavar="SOURCE", help="the event's source, as sent")
    show.add_argument("id", metavar="ID", help="the event's id, as sent")
    show.add_argument("--json", action="store_true", help="the receipt as the API gives it")


async def show_receipt(source: str, event_id: str, as_json: bool) -> int:
    settings = ActivitiesSettings()
    key = settings.metrics_api_key
    lookup = MetricsLookup(
        settings.metrics_url,
        key.get_secret_value() if key else None,
        settings.metrics_timeout_seconds,
    )
    pool: asyncpg.Pool = await create_pool(str(settings.database_url), SCHEMA, max_size=1)
    try:
        async with pool.acquire() as connection:
            found = await receipts.find(connection, source, event_id)
    finally:
        await pool.close()
    if found is None:
        print(f"no event {event_id!r} of source {source!r} was ever received", file=sys.stderr)
        return 1
    topic = topics.ACTIVITIES.qualified(settings.topic_namespace)
    receipt = await receipts.compose(found, topic, lookup.applied)
    print(
        receipt.model_dump_json(by_alias=True, indent=2) if as_json else "\n".join(lines(receipt))
    )
    return 0


def lines(receipt: Receipt) -> list[str]:
    shown = [f"event {receipt.id} of {receipt.source}: {receipt.status}"]
    if (registered := receipt.registered) is not None:
        by = f" by {registered.reported_by}" if registered.reported_by else ""
        about = ", ".join(
            f"{name} {value}"
            for name, value in (
                ("promise", registered.promise),
                ("commitment", registered.commitment),
            )
            if value
        )
        shown.append(
            f"  registered  {_at(registered.at)}  {registered.type} over {registered.channel}{by}"
            + (f" ({about})" if about else "")
        )
    if (published := receipt.published) is not None:
        shown.append(f"  published   {_at(published.at)}  to {published.topic}")
    if (applied := receipt.applied) is not None:
        shown.append(f"  applied     {_at(applied.applied_at)}  by the metrics service")
        shown += [f"    counts towards {_kpi(kpi)}" for kpi in applied.counts_towards]
        if not applied.counts_towards:
            shown.append("    counts towards nothing")
    if (retracted := receipt.retracted) is not None:
        shown.append(f"  retracted   {_at(retracted.at)}  by {retracted.by}")
    if receipt.retracts is not None:
        shown.append(f"  retracts    {receipt.retracts}")
    if (refused := receipt.refused) is not None:
        status = f" {refused.status}" if refused.status is not None else ""
        shown.append(
            f"  refused     {_at(refused.at)}  over {refused.channel}{status}: {refused.reason}"
        )
        if (letter := refused.dead_letter) is not None:
            shown.append(
                f"    parked on {letter.topic} from {letter.source_topic}"
                f"[{letter.partition}]@{letter.offset}"
            )
    shown += [f"  unknown     {part.part}: {part.detail}" for part in receipt.unknown]
    return shown


def _kpi(kpi: KpiCounted) -> str:
    last = kpi.period.end - timedelta(days=1)
    return f"{kpi.kind} {kpi.id} of {kpi.promise}, {kpi.period.start} to {last}" + (
        " (as the comparison)" if kpi.counts_as == "comparison" else ""
    )


def _at(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else "(time not kept)"
