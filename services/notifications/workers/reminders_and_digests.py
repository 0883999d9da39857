"""Reminders and digests: every round, the reminders and the weekly digests due by the clock become
notifications, through the same routing and planner as the KPI events.

Each is offered every round until it is recorded; its key makes it once. A digest is built
from the metrics service's HTTP API as of Monday's digest moment; while that API does not
answer, the digest waits for the next round (within the catch-up time).
"""

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta

import asyncpg
import httpx
from prometheus_client import Counter
from pydantic import ValidationError

from services.notifications.domain import Notification, RoutingConfig
from services.notifications.domain.digest import (
    STOCKHOLM,
    digest_facts,
    digest_key,
    digest_notification,
    digest_parties,
    digest_week,
)
from services.notifications.domain.reminders import due_reminders
from services.notifications.handlers import Admitted, admit
from services.notifications.repository import notifications as notification_records
from services.notifications.repository.dispatch_state import StateStore
from shared.background import Round, Rounds
from shared.contracts.kpis import PromiseKpisView, Status
from shared.db import Connection
from shared.promises import Promise, SchoolHolidayCalendar

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class RemindersAndDigests:
    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        config: RoutingConfig,
        promises: Sequence[Promise],
        calendars: Mapping[str, SchoolHolidayCalendar],
        clock: Clock,
        metrics_url: str,
        metrics_api_key: str | None,
        reminder_days: int,
        digest_time: time,
        digest_catch_up: timedelta,
        interval_seconds: float,
        admitted: Admitted,
        rounds: Counter,
        store: StateStore,
    ) -> None:
        self._store = store
        self._pool = pool
        self._config = config
        self._promises = tuple(promises)
        self._calendars = calendars
        self._clock = clock
        self._metrics_url = metrics_url
        self._metrics_headers = (
            {"authorization": f"Bearer {metrics_api_key}"} if metrics_api_key else {}
        )
        self._reminder_days = reminder_days
        self._digest_time = digest_time
        self._digest_catch_up = digest_catch_up
        self._interval = interval_seconds
        self._admitted = admitted
        self._rounds = rounds

    async def run(self) -> None:
        await Rounds("reminders and digests", log).run_sessions(self._session)

    @contextlib.asynccontextmanager
    async def _session(self) -> AsyncIterator[Round]:
        async with httpx.AsyncClient(
            base_url=self._metrics_url, headers=self._metrics_headers, timeout=10
        ) as metrics:

            async def offered() -> float:
                await self.round(metrics)
                self._rounds.inc()
                return self._interval

            yield offered

    async def round(self, metrics: httpx.AsyncClient) -> list[Notification]:
        now = self._clock()
        offered = due_reminders(self._promises, now, self._reminder_days)
        week = digest_week(now, self._digest_time, self._digest_catch_up)
        async with self._pool.acquire() as connection:
            if week is not None:
                offered += await self._digests(connection, metrics, *week)
            known = await notification_records.existing_keys(connection, (n.key for n in offered))
            wanted = await self._pursued(metrics, [n for n in offered if n.key not in known], now)
            if not wanted:
                return []
            async with connection.transaction():
                new = await admit(connection, self._store, self._config, wanted, now)
        if new:
            self._admitted(new)
        return new

    async def _digests(
        self,
        connection: Connection,
        metrics: httpx.AsyncClient,
        monday: date,
        due: datetime,
    ) -> list[Notification]:
        parties = digest_parties(self._promises, monday)
        keys = {(p.id, org): digest_key(p.id, org, monday) for p, org in parties}
        made = await notification_records.existing_keys(connection, keys.values())
        kpis: dict[str, PromiseKpisView] = {}
        digests: list[Notification] = []
        for promise, organisation in parties:
            if keys[promise.id, organisation] in made:
                continue
            if promise.id not in kpis:
                fetched = await self._kpis(metrics, promise, due)
                if fetched is None:
                    continue
                kpis[promise.id] = fetched
            answers = await notification_records.answered_between(
                connection, organisation, promise.id, *_week_before(monday)
            )
            facts = digest_facts(
                promise, kpis[promise.id], organisation, monday, self._calendars, answers
            )
            digests.append(digest_notification(promise, organisation, monday, due, facts))
        return digests

    async def _pursued(
        self, metrics: httpx.AsyncClient, offered: list[Notification], now: datetime
    ) -> list[Notification]:
        """Without the reminders of commitments their organisations deliberately do not
        pursue (an `explanation.published` said so). While the metrics service cannot say,
        the reminders go out: a reminder too many is better than one missing."""
        let_go: set[tuple[str, str]] = set()
        for promise in self._promises:
            if not any(_reminded(n)[0] == promise.id for n in offered):
                continue
            kpis = await self._kpis(metrics, promise, now)
            for kpi in kpis.commitments if kpis else ():
                if kpi.status is Status.NOT_PURSUED:
                    let_go.add((promise.id, kpi.id))
        return [n for n in offered if _reminded(n) not in let_go]

    async def _kpis(
        self, metrics: httpx.AsyncClient, promise: Promise, due: datetime
    ) -> PromiseKpisView | None:
        try:
            response = await metrics.get(
                f"/v1/promises/{promise.id}/kpis", params={"at": due.isoformat()}
            )
            response.raise_for_status()
        except httpx.HTTPError as error:
            log.warning("weekly digest of %s waits for the metrics service: %s", promise.id, error)
            return None
        try:
            return PromiseKpisView.model_validate_json(response.content)
        except ValidationError as error:
            # The two services disagree on the contract: loud, and the digest waits for a fix.
            log.error("the metrics service's KPIs of %s do not parse: %s", promise.id, error)
            return None


def _week_before(monday: date) -> tuple[datetime, datetime]:
    """Last week, Monday to Monday, in Stockholm: what the digest tells was said in it."""
    return (
        datetime.combine(monday - timedelta(days=7), time(), tzinfo=STOCKHOLM),
        datetime.combine(monday, time(), tzinfo=STOCKHOLM),
    )


def _reminded(notification: Notification) -> tuple[str, str] | tuple[None, None]:
    """(promise, commitment) a reminder is about; (None, None) for anything else."""
    if notification.kind != "reminder":
        return None, None
    return notification.facts["promise"], notification.facts["commitment"]
