"""What became of one event, from the register, the refusals and the metrics service.

The furthest step known is the receipt's status: retracted, applied, published, registered;
refused when the event was never registered. A refusal is shown beside a registration when
the same source and id were also refused (say, sent again with other data).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from services.activities.domain import Catalogue
from services.activities.metrics_lookup import Answer, NotAnswered
from shared.access import Principal
from shared.contracts.receipts import (
    DeadLetter,
    Published,
    Receipt,
    ReceiptStatus,
    Refused,
    Registered,
    Retracted,
    Unknown,
)
from shared.db import Connection


@dataclass(frozen=True, slots=True)
class Found:
    source: str
    id: str
    registered: Any  # the register's row, or None
    retraction: Any  # (id, received_at) of the retraction registered, or None
    refusal: Any  # the refusals' row, or None

    def concerns(self) -> tuple[str, set[str], str | None]:
        """(the reporting organisation or "", the organisations the event names, its
        promise) of the registration, else of the refusal."""
        row = self.registered if self.registered is not None else self.refusal
        promise = self.registered["promise"] if self.registered is not None else None
        return row["reported_by"], set(row["organisations"]), promise


async def find(connection: Connection, source: str, event_id: str) -> Found | None:
    registered = await connection.fetchrow(
        """
        SELECT type, received_at, register_seq, reported_by, promise, commitment, organisations,
               retracts,
               published_at IS NOT NULL AS published,
               CASE WHEN isfinite(published_at) THEN published_at END AS published_at
        FROM register WHERE source = $1 AND id = $2
        """,
        source,
        event_id,
    )
    retraction = await connection.fetchrow(
        "SELECT id, received_at FROM register WHERE source = $1 AND retracts = $2"
        " ORDER BY received_at, id LIMIT 1",
        source,
        event_id,
    )
    refusal = await connection.fetchrow(
        "SELECT * FROM refusals WHERE source = $1 AND id = $2", source, event_id
    )
    if registered is None and refusal is None:
        return None
    return Found(source, event_id, registered, retraction, refusal)


def may_read(principal: Principal, found: Found, catalogue: Catalogue) -> bool:
    """The organisation that reported it (over Kafka, where no key tells, the organisations
    it names), and staff of a party to its promise; an event of no promise (an incident, a
    survey result) any staff, as the register shows it; an admin every event."""
    if principal.is_admin:
        return True
    reporter, named, promise_id = found.concerns()
    organisation = principal.organisation
    if organisation is None:
        return False
    if organisation == reporter or (not reporter and organisation in named):
        return True
    if not principal.is_staff or found.registered is None:
        return False
    if promise_id is None:
        return True
    promise = catalogue.get(promise_id)
    return promise is not None and organisation in promise.organisation_ids


async def compose(
    found: Found, topic: str, ask_metrics: Callable[[str, str], Awaitable[Answer]]
) -> Receipt:
    row, refusal = found.registered, found.refusal
    registered = published = retracted = applied = None
    unknown: list[Unknown] = []
    status = ReceiptStatus.REFUSED
    if row is not None:
        status = ReceiptStatus.REGISTERED
        registered = Registered(
            at=row["received_at"],
            type=row["type"],
            register_seq=row["register_seq"],
            channel="http" if row["reported_by"] else "kafka",
            reported_by=row["reported_by"] or None,
            promise=row["promise"],
            commitment=row["commitment"],
        )
        if row["published"]:
            status = ReceiptStatus.PUBLISHED
            published = Published(topic=topic, at=row["published_at"])
            answer = await ask_metrics(found.source, found.id)
            if isinstance(answer, NotAnswered):
                unknown.append(Unknown(part="applied", detail=answer.detail))
            elif answer is not None:
                status, applied = ReceiptStatus.APPLIED, answer
        if found.retraction is not None:
            status = ReceiptStatus.RETRACTED
            retracted = Retracted(by=found.retraction["id"], at=found.retraction["received_at"])
    return Receipt(
        source=found.source,
        id=found.id,
        status=status,
        registered=registered,
        published=published,
        applied=applied,
        retracted=retracted,
        retracts=row["retracts"] if row is not None else None,
        refused=_refused(refusal) if refusal is not None else None,
        unknown=unknown,
    )


def _refused(row: Any) -> Refused:
    letter = row["dead_letter"]
    return Refused(
        at=row["refused_at"],
        channel=row["channel"],
        status=row["status"],
        reason=row["reason"],
        dead_letter=DeadLetter.model_validate_json(letter) if letter else None,
    )
