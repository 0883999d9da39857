"""The activities service's use cases: accepting events over HTTP and from the ingest topic."""

import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime

import asyncpg

from services.activities import repository
from services.activities.domain import AcceptedEvent, Catalogue, Forbidden, accept, authorize
from services.activities.domain.acceptance import accept_all
from shared.contracts.cloudevents import CloudEvent
from shared.contracts.events import EventRetracted
from shared.db import Connection
from shared.messaging.applied import Applied
from shared.messaging.outbox_rows import OutgoingRecord

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
KAFKA_REPORTER = ""  # events from the ingest topic: the broker's ACLs say who may write


class Ingest:
    """Accept partner events: validate, authorise, register once, queue for publishing."""

    def __init__(
        self, pool: asyncpg.Pool, domain_topic: str, clock: Clock, catalogue: Catalogue
    ) -> None:
        self._pool = pool
        self._topic = domain_topic
        self._clock = clock
        self.catalogue = catalogue

    async def submit_one(
        self, event: CloudEvent, organisation: str, *, screened: bool = False
    ) -> list[str]:
        accepted = accept(event, self._clock(), self.catalogue, screened=screened)
        return await self._submit([accepted], organisation)

    async def submit_batch(
        self, events: Sequence[CloudEvent], organisation: str, *, screened: bool = False
    ) -> list[str]:
        """`screened`: the body they came in holds no personal identity number anywhere."""
        accepted = accept_all(list(events), self._clock(), self.catalogue, screened=screened)
        return await self._submit(accepted, organisation)

    async def _submit(self, accepted: list[AcceptedEvent], organisation: str) -> list[str]:
        for index, entry in enumerate(accepted):
            try:
                authorize(entry, organisation, self.catalogue)
            except Forbidden as error:
                raise Forbidden(f"[{index}] {error}" if len(accepted) > 1 else str(error)) from None
        # Registering is one statement, all or nothing of itself; a retraction first reads
        # its event, which must still be as read when the retraction is registered.
        retracting = any(isinstance(entry.data, EventRetracted) for entry in accepted)
        async with (
            self._pool.acquire() as connection,
            connection.transaction() if retracting else contextlib.nullcontext(),
        ):
            await register(connection, accepted, organisation, self._topic)
        # A duplicate is answered exactly like the first delivery: the partner's retry is safe.
        return [entry.event.id for entry in accepted]


class IngestFromKafka:
    """The same acceptance for events partner systems produce to the ingest topic."""

    def __init__(self, domain_topic: str, clock: Clock, catalogue: Catalogue) -> None:
        self._topic = domain_topic
        self._clock = clock
        self._catalogue = catalogue

    def decode(self, event: CloudEvent) -> AcceptedEvent:
        return accept(event, self._clock(), self._catalogue)

    async def __call__(self, connection: Connection, accepted: Sequence[AcceptedEvent]) -> Applied:
        new = await register(connection, list(accepted), KAFKA_REPORTER, self._topic)
        return Applied(new=len(new), duplicates=len(accepted) - len(new))


async def register(
    connection: Connection, accepted: list[AcceptedEvent], reporter: str, topic: str
) -> set[tuple[str, str]]:
    """Register what is new and queue it for the domain topic, inside the caller's transaction
    when there is one."""
    accepted = [await _follow_retracted(connection, entry, reporter) for entry in accepted]
    outgoing = [OutgoingRecord.of(entry.event, topic) for entry in accepted]
    new = await repository.store(connection, accepted, reporter, outgoing)
    # One line a batch: at a partner's full rate a line per event would cost more than
    # registering it. The register itself is the record of each event.
    log.info("registered %d new events, %d already known", len(new), len(accepted) - len(new))
    if log.isEnabledFor(logging.DEBUG):
        for entry in accepted:
            log.debug(
                "registered" if (entry.event.source, entry.event.id) in new else "duplicate",
                extra={"event_id": entry.event.id, "event_source": entry.event.source},
            )
    return new


async def _follow_retracted(
    connection: Connection, entry: AcceptedEvent, reporter: str
) -> AcceptedEvent:
    """A retraction travels on its event's partition, and only its reporter may retract it."""
    if not isinstance(entry.data, EventRetracted):
        return entry
    original = await repository.find_one(connection, entry.event.source, entry.data.event_id)
    if original is None:
        return entry  # it may still arrive: consumers match the two whatever their order
    if reporter and original.reported_by and original.reported_by != reporter:
        raise Forbidden(f"{entry.data.event_id} was reported by another organisation")
    return AcceptedEvent(
        entry.event.model_copy(update={"subject": original.subject}), entry.data, None
    )
