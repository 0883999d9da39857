"""Evaluates the KPIs on a timer and whenever new events arrive, and announces what changed.

Each instance announces only the KPIs it owns (see `ownership`), from the state every instance
applies to (`kpi_buckets`): before each round it catches up with what changed (`shared_events`). The
announcement is exactly once: what was announced before is read under a row lock, and the
outbox rows announcing the news are written in the same transaction as the new state, under
ids that follow from that state, so that the same change is always the same CloudEvent.
Missed slots and passed deadlines need no event to be noticed: the timer's clock does it.

A round woken by a batch this instance applied evaluates only the KPIs owned that the
batch's events can change (`touched`), and those of partitions it has caught up with since,
and keeps its latest word on the others; the timer's rounds, and the first after the KPIs
owned changed, evaluate every KPI owned. The gauges show every KPI owned as applied; only the
announcements wait for the consumer to catch up with a KPI's partition.
"""

import asyncio
import logging
import math
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg

from services.metrics import SCHEMA, repository
from services.metrics.announcements import record_for
from services.metrics.bucket_cache import ReadWhole
from services.metrics.domain.buckets import Wanted
from services.metrics.domain.changes import (
    Announced,
    CommitmentStatusChanged,
    KpiChange,
    changes,
)
from services.metrics.domain.engine import evaluate_item, evaluate_log
from services.metrics.domain.fact_log import FactLog
from services.metrics.domain.kpis import CommitmentKpi, OutcomeKpi, PromiseKpis
from services.metrics.domain.reads import wanted_by
from services.metrics.domain.touched import EVERYTHING, NOTHING_TOUCHED, Touched
from services.metrics.ownership import NOTHING, Claims, Owned
from services.metrics.shared_events import SharedEvents
from shared.background import Rounds
from shared.contracts.kpis import Status
from shared.db import UNREACHABLE, Connection
from shared.messaging.outbox_rows import enqueue
from shared.promises import Promise, SchoolHolidayCalendar

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
CLOSING_DAYS = 31
# Evaluating shares the process with consuming: after each round the evaluator rests this
# many times as long as its evaluations took, so that however long evaluations grow, the
# consumer that catches up with a backlog keeps most of the time. Only the evaluating counts,
# not the waiting: a round that waited 40 s for Kafka to say how far it was read must not
# then rest for minutes with news to announce. And never longer than the timer's interval.
REST_PER_WORK = 4.0
# How soon a round comes back to a partition it was behind on when no batch wakes it first,
# and how often the gauges of a partition behind (a backlog) are brought up to date: after
# every batch, evaluating them took a quarter of the time the backlog needed.
BEHIND_SECONDS = 1.0
# The least time between rounds woken by other instances' batches: under their stream, every
# batch of theirs would otherwise be a round here too.
TOLD_SECONDS = 0.1
# How long an API answer waits to catch up with what other instances applied before it
# answers from what this instance knows.
REFRESH_SECONDS = 2.0
# Announcement ids are name-based UUIDs in a namespace of Löfte's own.
ANNOUNCEMENTS = uuid.UUID("5d0f3c52-8d2e-4bb4-9a59-2f7c1e0b6a41")


class KpiEvaluator:
    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        promises: Sequence[Promise],
        calendars: Mapping[str, SchoolHolidayCalendar],
        events: SharedEvents,
        clock: Clock,
        output_topic: str,
        gap_notice_days: int,
        interval_seconds: float,
        claims: Claims,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._pool = pool
        self.promises = tuple(promises)
        self._calendars = calendars
        self.events = events
        self._clock = clock
        self._topic = output_topic
        self._gap_notice_days = gap_notice_days
        self._interval = interval_seconds
        self._claims = claims
        # A round that fails (the database away, a fault) is tried again after a backoff:
        # announcements must never stop for good while the service goes on serving.
        self._rounds = Rounds("KPI evaluation", log)
        self._evaluating_seconds = 0.0  # in the current round
        self.owned = NOTHING  # exported: the gauges of these KPIs are this instance's
        self.latest: dict[str, PromiseKpis] = {}
        # What this instance exports: the latest KPIs it owns (see `ownership`).
        self.published: dict[str, PromiseKpis] = {}
        self.evaluated_events = 0  # how many applied events `latest` comes from
        # What the batches applied since the round under way began touched.
        self._touched = NOTHING_TOUCHED
        # Per promise, the KPIs owned when `latest` was last evaluated whole: a round may
        # evaluate part of them only while they stay the same.
        self._whole: dict[str, Owned] = {}
        # Per promise, the partitions announced for at its last evaluation: one caught up with
        # since is evaluated whether touched or not, for what was held back while it was behind.
        self._announcing: dict[str, frozenset[int]] = {}
        # What batches touched of the partitions behind since their gauges were last brought
        # up to date, and when that was.
        self._monotonic = monotonic
        self._touched_behind = NOTHING_TOUCHED
        self._behind_evaluated_at = -math.inf
        claims.assignment.when_revoked(self._revoked)
        # The other instances' batches: evaluated soon if they touched a KPI owned here (an
        # indicator reads the events of commitments on other partitions) and this instance
        # keeps up (one behind has rounds enough of its own), else whenever it evaluates next.
        self._keeping_up = False
        self._told_wake: asyncio.TimerHandle | None = None
        self._told_woken_at = -math.inf
        events.when_told(self._told)
        # New partitions are claimed, loaded and announced for at once, not on the next tick.
        claims.assignment.when_assigned(self.wake)

    def wake(self, touched: Touched = EVERYTHING) -> None:
        """Evaluate soon the KPIs owned that `touched` can have changed (default: all)."""
        self._touch(touched)
        self._rounds.wake()

    def _touch(self, touched: Touched) -> None:
        self._touched |= touched

    def _told(self, touched: Touched) -> None:
        self._touch(touched)
        if not self._keeping_up or self._told_wake is not None:
            return
        owned = self.owned.owns
        if any(
            any(map(_both(owned, touched.kpis_of(promise)), _items(promise)))
            for promise in self.promises
        ):
            due = self._told_woken_at + TOLD_SECONDS - self._monotonic()
            self._told_wake = asyncio.get_running_loop().call_later(
                max(due, 0), self._woken_by_told
            )

    def _woken_by_told(self) -> None:
        self._told_wake = None
        self._told_woken_at = self._monotonic()
        self._rounds.wake()

    async def evaluate_at(
        self,
        promise: Promise,
        at: datetime,
        period_of: date | None = None,
        known_at: datetime | None = None,
    ) -> PromiseKpis:
        """KPIs as of any time, from the state known now (the HTTP API's `?at=`), for the
        periods containing `period_of` (default: those containing `at`), with what was said
        and retracted up to `known_at` (the API's `?known_at=`; default: `at`)."""
        return evaluate_log(
            promise,
            await self._log_at(promise, at, known_at),
            at,
            calendars=self._calendars,
            period_of=period_of,
            promises=self.promises,
            known_at=known_at,
        )

    async def evaluate_item_at(
        self,
        promise: Promise,
        at: datetime,
        item_id: str,
        period_of: date | None = None,
        known_at: datetime | None = None,
    ) -> CommitmentKpi | OutcomeKpi | None:
        """One commitment or outcome indicator as `evaluate_at` shows it, evaluated alone."""
        return evaluate_item(
            promise,
            await self._log_at(promise, at, known_at),
            at,
            item_id,
            calendars=self._calendars,
            period_of=period_of,
            promises=self.promises,
            known_at=known_at,
        )

    async def _log_at(
        self, promise: Promise, at: datetime, known_at: datetime | None = None
    ) -> FactLog:
        try:
            async with asyncio.timeout(REFRESH_SECONDS), self._pool.acquire() as connection:
                return await self.events.cache.log_at(connection, promise.zone, at, known_at)
        except UNREACHABLE as error:
            log.warning("answering from what is known: the database is away (%r)", error)
            return self.events.cache.known_log(promise.zone)

    async def run(self) -> None:
        """Evaluate until cancelled: at once, then when woken, and at least every interval
        (then after a full catch-up, whatever the other instances said)."""
        await self._rounds.run(self._round)

    async def _round(self) -> float:
        self._evaluating_seconds = 0.0
        # Taken before the catch-up: a batch committed after this is the next round's.
        touched, self._touched = self._touched, NOTHING_TOUCHED
        woken = self._rounds.woken
        try:
            current = await self.evaluate_all(
                catch_up=not woken, touched=touched if woken else EVERYTHING
            )
        except BaseException:
            self._touched |= touched  # not evaluated: the next round does it
            raise
        await asyncio.sleep(min(self._evaluating_seconds * REST_PER_WORK, self._interval))
        # Behind on some partition: come back with the consumer's next batch, which wakes
        # this, or soon without one; a steady stream is a little behind at many a round, and
        # a rest the next batch cannot end would hold every KPI back by its length.
        return self._interval if current else min(self._interval, BEHIND_SECONDS)

    async def evaluate_all(self, *, catch_up: bool = True, touched: Touched = EVERYTHING) -> bool:
        """Evaluate the KPIs owned that `touched` can have changed (all, unless a round since
        the KPIs owned last changed evaluated all of them; of a partition behind, at most
        every `BEHIND_SECONDS`) and those of partitions caught up with since the last round;
        announce for the partitions caught up with. Whether every partition assigned was
        caught up with: the announcements of one behind wait for a later round."""
        # Asked before the lock is taken: a rebalance, which waits for the lock, may be what
        # the consumer's answer waits for. And before catching up: what the consumer had
        # handled when it answered is then in the state read.
        caught_up = await self._claims.caught_up()
        await self.events.refresh(always=catch_up, wanted=self._reads(self._claims.assigned()))
        # After catching up: what was read then happened before this instant (unless dated
        # ahead), so today's buckets count as they are, not event by event (`cut_days`).
        at = self._clock()
        self.evaluated_events = self.events.cache.applied
        started = self._monotonic()
        behind_due = started - self._behind_evaluated_at >= BEHIND_SECONDS
        if behind_due:
            touched |= self._touched_behind
        assignment = self._claims.assignment
        async with assignment.lock, self._pool.acquire() as connection:
            held = await self._claims.held(connection)
            read: dict[ZoneInfo, ReadWhole] = {}
            for promise in self.promises:
                async with connection.transaction():
                    self.owned = owned = await self._claims.standing(
                        connection, held, caught_up, at
                    )
                    announcing = owned.within(caught_up)
                    earlier = self.latest.get(promise.id)
                    evaluated: Callable[[str], bool]
                    if earlier is None or self._whole.get(promise.id) != owned:
                        evaluated, earlier = owned.owns, None
                    else:
                        gained = announcing.mine - self._announcing.get(promise.id, frozenset())
                        evaluated = _both(
                            (owned if behind_due else announcing).owns,
                            _either(touched.kpis_of(promise), announcing.within(gained).owns),
                        )
                        if not any(map(evaluated, _items(promise))):
                            continue
                    cache, zone = self.events.cache, promise.zone
                    wanted = wanted_by(promise, evaluated)
                    if cache.lags(zone, wanted):  # assigned more since the catch-up
                        await cache.catch_up(connection, {zone: cache.wanted(zone) | wanted})
                    if zone not in read:
                        read[zone] = await cache.read_whole(connection, zone, at)
                    facts = cache.log_of(read[zone], wanted)
                    kpis, news = await self._announce(
                        connection, promise, facts, at, None, evaluated, announcing
                    )
                    closing = closing_day(promise, at)
                    if closing is not None and announcing.mine:
                        news += (
                            await self._announce(
                                connection, promise, facts, at, closing, evaluated, announcing
                            )
                        )[1]
                self._announcing[promise.id] = announcing.mine
                if earlier is None:
                    self.latest[promise.id], self._whole[promise.id] = kpis, owned
                else:
                    self.latest[promise.id] = updated(earlier, kpis)
                if news:
                    log.info("announced %d KPI changes for %s", len(news), promise.id)
            self._publish()
        if behind_due:  # kept until now: a round that fails leaves them for the next
            self._behind_evaluated_at, self._touched_behind = started, NOTHING_TOUCHED
        elif self.owned.mine - caught_up:
            self._touched_behind |= touched  # theirs: for when they are due
        self._keeping_up = caught_up == assignment.partitions
        return self._keeping_up

    def _reads(self, owned: Owned) -> dict[ZoneInfo, Wanted]:
        """What the KPIs `owned` read of the buckets, zone by zone."""
        reads: dict[ZoneInfo, Wanted] = {}
        for promise in self.promises:
            wanted = wanted_by(promise, owned.owns)
            held = reads.get(promise.zone)
            reads[promise.zone] = wanted if held is None else held | wanted
        return reads

    async def _announce(
        self,
        connection: Connection,
        promise: Promise,
        facts: FactLog,
        at: datetime,
        closing: date | None,
        evaluated: Callable[[str], bool],
        announcing: Owned,
    ) -> tuple[PromiseKpis, list[KpiChange]]:
        """Evaluate the KPIs `evaluated` says yes to (of those owned), and announce what is
        new since the ledger's last word for those of them `announcing` owns. The others are
        their owners' to evaluate: an instance's work shrinks as instances are added; or they
        were evaluated before, and nothing since changed them."""
        started = time.perf_counter()
        kpis = evaluate_log(
            promise,
            facts,
            at,
            calendars=self._calendars,
            period_of=closing,
            promises=self.promises,
            wanted=evaluated,
        )
        self._evaluating_seconds += time.perf_counter() - started
        if not announcing.mine:
            return kpis, []
        ledger = promise.id if closing is None else f"{promise.id}@{closing.year}"
        stored, count = await repository.announced_for_update(connection, ledger)
        previous = Announced.from_json(stored) if stored else Announced()
        news, told = changes(previous, announcing.only(kpis), gap_notice_days=self._gap_notice_days)
        if closing is not None:
            news = [change for change in news if is_verdict(change)]
        records = [
            record_for(change, promise, kpis, self._topic, announcement_id(ledger, count + n), at)
            for n, change in enumerate(news)
        ]
        await enqueue(connection, SCHEMA, records)
        kept = previous.updated(told, _both(evaluated, announcing.owns))
        if news or kept != previous:  # most rounds change nothing: no write
            await repository.save_announced(
                connection, ledger, kept.to_json(), at, count + len(news)
            )
        return kpis, news

    def _publish(self) -> None:
        owned = self.owned
        self.published = {p: owned.only(kpis) for p, kpis in self.latest.items()}

    def _revoked(self, partitions: frozenset[int]) -> None:
        self.owned = Owned(self.owned.partitions, self.owned.mine - partitions)
        self._publish()


def updated(earlier: PromiseKpis, now: PromiseKpis) -> PromiseKpis:
    """`earlier`'s KPIs, those evaluated `now` as they are now."""
    commitments = {kpi.id: kpi for kpi in now.commitments}
    outcomes = {kpi.id: kpi for kpi in now.outcomes}
    return replace(
        now,
        commitments=tuple(commitments.get(kpi.id, kpi) for kpi in earlier.commitments),
        outcomes=tuple(outcomes.get(kpi.id, kpi) for kpi in earlier.outcomes),
    )


def _both(first: Callable[[str], bool], second: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda item: first(item) and second(item)


def _either(first: Callable[[str], bool], second: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda item: first(item) or second(item)


def _items(promise: Promise) -> Iterator[str]:
    yield from (commitment.id for commitment in promise.commitments)
    yield from (indicator.id for indicator in promise.outcome_indicators)


def announcement_id(ledger: str, number: int) -> str:
    """The id of a ledger's `number`-th announcement: every instance that makes it names it
    alike, so a repeat is recognised downstream as the same CloudEvent."""
    return str(uuid.uuid5(ANNOUNCEMENTS, f"{ledger}#{number}"))


def closing_day(promise: Promise, at: datetime) -> date | None:
    """The last day of the year that ended, while its verdicts are still coming in.

    A year's `missed` and `achieved` are only final once it is over, when the KPIs have
    moved on to the new year; for a month after New Year (late reports included) the
    closing year is evaluated too and its final verdicts announced, each once.
    """
    today = at.astimezone(promise.zone).date()
    new_year = date(today.year, 1, 1)
    last_day = new_year - timedelta(days=1)
    if (today - new_year).days >= CLOSING_DAYS or last_day < promise.valid_from:
        return None
    return last_day


def is_verdict(change: KpiChange) -> bool:
    return isinstance(change, CommitmentStatusChanged) and change.new in (
        Status.ACHIEVED,
        Status.MISSED,
    )
