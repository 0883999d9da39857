"""Events refused, kept for their receipts: over HTTP with the status the sender got, from the
ingest topic with the reason its record was dead-lettered with.

Only what names itself is kept, a source and an id the contract could take, and only the
latest refusal of each; the table is pruned to `refusals_kept_days` and `refusals_kept_most`
rows (the newest), so that a sender of endless junk cannot fill the database.
"""

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from shared.background import Rounds
from shared.contracts.errors import Problem
from shared.db import UNREACHABLE, Connection
from shared.messaging.readable_headers import Record

log = logging.getLogger(__name__)
REASON_LIMIT = 2000
MOST_ORGANISATIONS = 20
DATABASE_FAILURES: tuple[type[Exception], ...] = (asyncpg.PostgresError, *UNREACHABLE)


@dataclass(frozen=True, slots=True)
class Refusal:
    source: str
    id: str
    channel: str
    reason: str
    status: int | None = None
    reported_by: str = ""
    organisations: tuple[str, ...] = ()
    dead_letter: dict[str, Any] | None = field(default=None)


def identity(document: object) -> tuple[str, str] | None:
    """(source, id) of an event document, when both are text the contract could take."""
    if not isinstance(document, dict):
        return None
    source, event_id = document.get("source"), document.get("id")
    if not (_acceptable(source, 500) and _acceptable(event_id, 200)):
        return None
    return source, event_id  # type: ignore[return-value]


def _acceptable(value: object, longest: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= longest and "\x00" not in value


def named_organisations(data: object) -> tuple[str, ...]:
    """The organisations an event's data names, as far as they are text."""
    if not isinstance(data, dict) or not isinstance(data.get("organisations"), list):
        return ()
    named = [o for o in data["organisations"] if _acceptable(o, 100)]
    return tuple(named[:MOST_ORGANISATIONS])


def http_refusals(
    documents: Sequence[object],
    batch: bool,
    status: int,
    detail: str,
    problems: Iterable[Problem],
    reporter: str,
) -> list[Refusal]:
    """The refusals of the events of one refused request; in a batch, each with its own
    problems, or, refused with the others, with what was wrong with them."""
    problems = tuple(problems)
    whole = "; ".join(f"{p.location}: {p.message}" for p in problems) or detail
    refused: list[Refusal] = []
    for index, document in enumerate(documents):
        found = identity(document)
        if found is None:
            continue
        mine = [p for p in problems if p.location.startswith(f"[{index}]")] if batch else []
        if mine:
            reason = "; ".join(f"{p.location}: {p.message}" for p in mine)
        elif batch:
            reason = f"refused with its batch: {whole}"
        else:
            reason = whole if problems else detail
        data = document.get("data") if isinstance(document, dict) else None
        refused.append(Refusal(*found, "http", reason, status, reporter, named_organisations(data)))
    return refused


def kafka_refusal(record: Record, reason: str) -> Refusal | None:
    headers = {name: raw for name, raw in record.headers or ()}
    try:
        found = identity({"source": headers["ce_source"].decode(), "id": headers["ce_id"].decode()})
    except (KeyError, UnicodeDecodeError, AttributeError):
        return None
    if found is None:
        return None
    try:
        data = json.loads(record.value or b"")
    except (ValueError, RecursionError):
        data = None
    dead_letter = {
        "topic": f"{record.topic}.dlq",
        "source_topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
    }
    return Refusal(*found, "kafka", reason, None, "", named_organisations(data), dead_letter)


async def record(connection: Connection, refusals: Sequence[Refusal]) -> None:
    if not refusals:
        return
    await connection.execute(
        """
        INSERT INTO refusals
            (source, id, channel, status, reason, reported_by, organisations, dead_letter)
        SELECT source, id, channel, status, reason, reported_by,
               ARRAY(SELECT jsonb_array_elements_text(organisations)), dead_letter
        FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[],
                    $7::jsonb[], $8::jsonb[])
             AS t(source, id, channel, status, reason, reported_by, organisations, dead_letter)
        ON CONFLICT (source, id) DO UPDATE SET
            refused_at = now(), channel = EXCLUDED.channel, status = EXCLUDED.status,
            reason = EXCLUDED.reason, reported_by = EXCLUDED.reported_by,
            organisations = EXCLUDED.organisations, dead_letter = EXCLUDED.dead_letter
        """,
        [r.source for r in refusals],
        [r.id for r in refusals],
        [r.channel for r in refusals],
        [r.status for r in refusals],
        [r.reason[:REASON_LIMIT] for r in refusals],
        [r.reported_by for r in refusals],
        [json.dumps(list(r.organisations)) for r in refusals],
        [json.dumps(r.dead_letter) if r.dead_letter else None for r in refusals],
    )


async def record_best_effort(pool: asyncpg.Pool, refusals: Sequence[Refusal]) -> None:
    """Over HTTP the sender has its answer already: a refusal that cannot be kept now is
    said in the log, and the answer goes out all the same."""
    if not refusals:
        return
    # One source and id once per statement: a batch may send the same pair twice.
    distinct = list({(r.source, r.id): r for r in refusals}.values())
    try:
        async with pool.acquire() as connection:
            await record(connection, distinct)
    except DATABASE_FAILURES as error:
        log.warning("%d refusals not kept for receipts: %s", len(distinct), error)


async def prune(connection: Connection, kept_days: float, kept_most: int) -> int:
    """Forget refusals older than `kept_days` and all but the newest `kept_most`."""
    status = await connection.execute(
        """
        DELETE FROM refusals WHERE refused_at < now() - make_interval(secs => $1 * 86400)
           OR refused_at < (SELECT refused_at FROM refusals
                            ORDER BY refused_at DESC OFFSET $2 LIMIT 1)
        """,
        kept_days,
        kept_most - 1,
    )
    return int(status.split()[-1])


class Pruner:
    """Prunes the refusals now and then; a round that fails waits for the next."""

    def __init__(
        self, pool: asyncpg.Pool, kept_days: float, kept_most: int, every: float = 600.0
    ) -> None:
        self._pool = pool
        self._kept_days = kept_days
        self._kept_most = kept_most
        self._every = every

    async def run(self) -> None:
        await Rounds("refusal pruning", log).run(self._round)

    async def _round(self) -> float:
        async with self._pool.acquire() as connection:
            forgotten = await prune(connection, self._kept_days, self._kept_most)
        if forgotten:
            log.info("forgot %d refusals past their keeping", forgotten)
        return self._every
