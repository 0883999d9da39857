"""The KPI state the metrics service keeps in PostgreSQL (events alike folded into buckets,
`kpi_buckets`) gives exactly the KPIs the pure engine gives over the same set of events:
whatever the batches, their order and concurrency, the duplicates and the retractions
(before or after their event, dated before or after the instant asked about), as of any
instant, inside a day too, and as known at any later instant (explanations and retractions
published after a period, read in its follow-up); and whether a zone's buckets were kept
from the start or built from the events applied before."""

import asyncio
import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from services.activities.domain.acceptance import accept
from services.activities.domain.catalogue import Catalogue
from services.metrics import kpi_buckets, repository
from services.metrics.bucket_cache import BucketCache
from services.metrics.domain.engine import evaluate, evaluate_log
from services.metrics.domain.facts import KnownEvent
from services.metrics.domain.reads import wanted_by
from services.metrics.kpi_views import promise_view
from services.metrics.ownership import Owned
from shared.contracts.cloudevents import parse_structured
from shared.contracts.errors import InvalidEvent
from shared.contracts.events import parse_data
from shared.promises import default_promises
from simulator.stream import events_of_day
from tests.unit.lund_events import activity, explanation, local, retraction

LUND = default_promises()[0]
# Inside days with events, at ends of periods, and a year on (compared with a year before).
INSTANTS = (
    local(2017, 3, 14, 12, 30),
    local(2017, 6, 15, 14, 5),
    local(2017, 12, 31, 23, 59),
    local(2018, 1, 15, 9),
    local(2018, 3, 14, 12, 30),
)
YEAR_2017 = (date(2017, 3, 1), date(2018, 1, 1))
# Follow-ups made later: (at, known at, a day of the periods shown). The year 2017 as it
# stood, with what was said about it in January, and after a retraction in February; a half
# year read the next spring.
FOLLOW_UPS = (
    (local(2018, 1, 1), local(2018, 1, 1), date(2017, 12, 31)),
    (local(2018, 1, 1), local(2018, 2, 1), date(2017, 12, 31)),
    (local(2018, 1, 1), local(2018, 3, 20), date(2017, 12, 31)),
    (local(2017, 7, 1), local(2018, 3, 20), date(2017, 6, 30)),
    (local(2017, 6, 15, 14, 5), local(2018, 1, 15, 9), None),
)


def simulated(first: date, last: date, seed: int) -> list[KnownEvent]:
    """What the partner simulator reports from `first` to `last`, as accepted."""
    catalogue = Catalogue(default_promises())
    accepted = []
    day = first
    while day <= last:
        for document in events_of_day(day, seed):
            try:
                event = accept(parse_structured(document), local(2030, 1, 1), catalogue).event
            except InvalidEvent:
                continue
            accepted.append(KnownEvent(event, parse_data(event)))
        day += timedelta(days=1)
    return accepted


def with_retractions(events: list[KnownEvent], rng: random.Random) -> list[KnownEvent]:
    """Some events retracted: a little after they happened, or much later."""
    retractions = []
    for event in rng.sample(events, len(events) // 25):
        delay = timedelta(hours=rng.choice([1, 30, 24 * 120]))
        retractions.append(retraction(event, event.envelope.time + delay))
    return events + retractions


def said_about_2017() -> list[KnownEvent]:
    """What the police said about their commitments' 2017: during the year and in the January
    after it, one of them taken back in February."""
    in_january = explanation("volontarinsatser", local(2018, 1, 10, 9), YEAR_2017, "not-pursued")
    return [
        explanation("volontarinsatser", local(2017, 9, 1, 10), YEAR_2017, "comment"),
        in_january,
        retraction(in_january, local(2018, 2, 10, 9)),
        explanation("trygghetsvandringar-ungdomar", local(2018, 1, 12, 9), YEAR_2017, "remedy"),
        explanation(
            "trygghetsvandringar-ungdomar", local(2018, 1, 20, 9), YEAR_2017, "not-pursued"
        ),
    ]


def shuffled_batches(events: list[KnownEvent], rng: random.Random) -> list[Sequence[KnownEvent]]:
    """The events in any order, some twice, in batches of any size."""
    sent = events + rng.sample(events, len(events) // 20)
    rng.shuffle(sent)
    batches: list[Sequence[KnownEvent]] = []
    while sent:
        size = rng.randint(1, 300)
        batches.append(sent[:size])
        sent = sent[size:]
    return batches


async def apply(pool: asyncpg.Pool, batch: Sequence[KnownEvent]) -> None:
    """What the consumer does with a batch, in one transaction."""
    async with pool.acquire() as connection, connection.transaction():
        new = await repository.record_applied(connection, batch)
        await kpi_buckets.fold_in(connection, sorted(new.values()))


async def apply_two_at_once(pool: asyncpg.Pool, batches: list[Sequence[KnownEvent]]) -> None:
    """As two instances would: each applies every other batch, at the same time."""

    async def instance(mine: list[Sequence[KnownEvent]]) -> None:
        for batch in mine:
            await apply(pool, batch)

    await asyncio.gather(instance(batches[0::2]), instance(batches[1::2]))


def said(kpis: dict[str, Any], commitment: str) -> list[str]:
    """The kinds of the explanations a commitment's KPI shows."""
    kpi = next(c for c in kpis["commitments"] if c["id"] == commitment)
    return [e["kind"] for e in kpi["explanations"]]


async def kpis_of_state(
    pool: asyncpg.Pool,
    cache: BucketCache,
    at: datetime,
    known_at: datetime | None = None,
    period_of: date | None = None,
) -> dict[str, Any]:
    async with pool.acquire() as connection:
        await cache.catch_up(connection)
        facts = await cache.log_at(connection, LUND.zone, at, known_at)
    kpis = evaluate_log(LUND, facts, at, promises=[LUND], known_at=known_at, period_of=period_of)
    return promise_view(kpis).model_dump(mode="json")


def kpis_of_engine(
    events: list[KnownEvent],
    at: datetime,
    known_at: datetime | None = None,
    period_of: date | None = None,
) -> dict[str, Any]:
    kpis = evaluate(LUND, events, at, promises=[LUND], known_at=known_at, period_of=period_of)
    return promise_view(kpis).model_dump(mode="json")


@pytest.mark.parametrize("seed", [3, 8])
async def test_the_kept_state_gives_the_kpis_of_the_engine_over_the_same_events(
    metrics_pool: asyncpg.Pool, seed: int
) -> None:
    rng = random.Random(seed)
    simulated_events = simulated(date(2017, 1, 1), date(2018, 3, 20), seed)
    events = with_retractions(simulated_events, rng) + said_about_2017()
    batches = shuffled_batches(events, rng)
    before_any_zone_is_kept = len(batches) // 3

    await apply_two_at_once(metrics_pool, batches[:before_any_zone_is_kept])
    cache = BucketCache([LUND.zone])
    first_look = await kpis_of_state(metrics_pool, cache, INSTANTS[0])
    await apply_two_at_once(metrics_pool, batches[before_any_zone_is_kept:])

    assert first_look == kpis_of_engine(
        [e for batch in batches[:before_any_zone_is_kept] for e in batch], INSTANTS[0]
    )
    for at in INSTANTS:
        assert await kpis_of_state(metrics_pool, cache, at) == kpis_of_engine(events, at), at
    for at, known_at, period_of in FOLLOW_UPS:
        state = await kpis_of_state(metrics_pool, cache, at, known_at, period_of)
        assert state == kpis_of_engine(events, at, known_at, period_of), (at, known_at)
    as_kinds = [
        said(await kpis_of_state(metrics_pool, cache, at, known_at, period_of), "volontarinsatser")
        for at, known_at, period_of in FOLLOW_UPS[:3]
    ]
    assert as_kinds == [["comment"], ["comment", "not-pursued"], ["comment"]]


async def test_retractions_before_their_events_and_dated_after_the_instant_count_as_in_the_engine(
    metrics_pool: asyncpg.Pool,
) -> None:
    events = simulated(date(2017, 5, 1), date(2017, 5, 31), seed=5)
    first, second = [e for e in events if e.envelope.type == "activity.completed"][:2]
    later = retraction(first, local(2017, 7, 1))
    at_once = retraction(second, second.envelope.time + timedelta(minutes=5))
    cache = BucketCache([LUND.zone])
    await kpis_of_state(metrics_pool, cache, INSTANTS[0])  # the zone is kept from the start

    await apply(metrics_pool, [later, at_once])
    await apply(metrics_pool, events)

    everything = [*events, later, at_once]
    for at in (local(2017, 6, 15, 14, 5), local(2017, 7, 2)):
        assert await kpis_of_state(metrics_pool, cache, at) == kpis_of_engine(everything, at)
    in_june, known_in_july = local(2017, 6, 15, 14, 5), local(2017, 7, 2)
    assert await kpis_of_state(metrics_pool, cache, in_june, known_in_july) == kpis_of_engine(
        everything, in_june, known_in_july
    )


async def test_the_state_grows_with_the_days_not_with_the_events(
    metrics_pool: asyncpg.Pool,
) -> None:
    walks = [
        activity(
            "handelsebaserade-trygghetsvandringar",
            local(2017, 5, 1 + n % 5, 18, n % 60),
            event_id=f"w{n}",
        )
        for n in range(2_000)
    ]
    cache = BucketCache([LUND.zone])
    at = local(2017, 6, 1)
    await kpis_of_state(metrics_pool, cache, at)

    for start in range(0, len(walks), 500):
        await apply(metrics_pool, walks[start : start + 500])
    kpis = await kpis_of_state(metrics_pool, cache, at)

    assert len(cache) == 5  # one a day
    assert kpis == kpis_of_engine(walks, at)
    walks_done = next(
        c for c in kpis["commitments"] if c["id"] == "handelsebaserade-trygghetsvandringar"
    )
    assert walks_done["done"] == 2_000


@pytest.mark.parametrize("mine", [{0}, {1, 2}, {3, 4, 5}])
async def test_an_owner_builds_only_what_its_kpis_read_and_evaluates_them_as_the_whole_does(
    metrics_pool: asyncpg.Pool, mine: set[int]
) -> None:
    events = simulated(date(2017, 1, 1), date(2018, 2, 10), seed=11)
    await apply(metrics_pool, events)
    owned = Owned(6, frozenset(mine))
    cache = BucketCache([LUND.zone])
    at = local(2018, 2, 1, 12)

    async with metrics_pool.acquire() as connection:
        await cache.catch_up(connection)
        facts = await cache.log_at(connection, LUND.zone, at, wanted=wanted_by(LUND, owned.owns))
        all_facts = await cache.log_at(connection, LUND.zone, at)
    mine_only = evaluate_log(LUND, facts, at, promises=[LUND], wanted=owned.owns)

    whole = evaluate(LUND, events, at, promises=[LUND])
    assert mine_only.commitments == tuple(c for c in whole.commitments if owned.owns(c.id))
    assert mine_only.outcomes == tuple(i for i in whole.outcomes if owned.owns(i.id))
    assert mine_only.commitments or mine_only.outcomes
    wanted = wanted_by(LUND, owned.owns)
    others = [c.id for c in LUND.commitments if not wanted.commitment(c.id)]
    assert any(all_facts.facts_at(at).activities_of(c) for c in others)
    assert not any(facts.facts_at(at).activities_of(c) for c in others)


async def test_an_owner_catches_up_with_only_what_its_kpis_read_and_with_more_once_it_owns_more(
    metrics_pool: asyncpg.Pool,
) -> None:
    events = simulated(date(2017, 1, 1), date(2017, 12, 31), seed=13)
    first_half = [e for e in events if e.envelope.time < local(2017, 7, 1)]
    second_half = [e for e in events if e.envelope.time >= local(2017, 7, 1)]
    at = local(2017, 12, 31, 12)
    cache = BucketCache([LUND.zone])

    async def owner_sees(owned: Owned, applied: list[KnownEvent]) -> None:
        wanted = wanted_by(LUND, owned.owns)
        async with metrics_pool.acquire() as connection:
            if cache.lags(LUND.zone, wanted):
                await cache.catch_up(connection, {LUND.zone: cache.wanted(LUND.zone) | wanted})
            facts = await cache.log_at(connection, LUND.zone, at, wanted=wanted)
        mine = evaluate_log(LUND, facts, at, promises=[LUND], wanted=owned.owns)
        whole = evaluate(LUND, applied, at, promises=[LUND])
        assert mine.commitments == tuple(c for c in whole.commitments if owned.owns(c.id))
        assert mine.outcomes == tuple(i for i in whole.outcomes if owned.owns(i.id))

    async def catch_up(owned: Owned) -> None:
        async with metrics_pool.acquire() as connection:
            await cache.catch_up(connection, {LUND.zone: wanted_by(LUND, owned.owns)})

    one, two = Owned(6, frozenset({0})), Owned(6, frozenset({0, 1}))
    await apply(metrics_pool, first_half)
    await catch_up(one)
    held_by_one = len(cache)
    await apply(metrics_pool, second_half)
    await catch_up(one)
    await owner_sees(one, events)

    assert not cache.lags(LUND.zone, wanted_by(LUND, one.owns))
    assert cache.lags(LUND.zone, wanted_by(LUND, two.owns))  # partition 1 only read so far
    await owner_sees(two, events)

    async with metrics_pool.acquire() as connection:
        await cache.catch_up(connection)  # as an API answer does: everything
    everything = await kpis_of_state(metrics_pool, cache, at)
    assert everything == kpis_of_engine(events, at)
    assert held_by_one < len(cache)


async def test_the_kpis_of_now_read_todays_buckets_and_a_day_with_later_events_event_by_event(
    metrics_pool: asyncpg.Pool,
) -> None:
    def walk(n: int, hour: int) -> KnownEvent:
        return activity(
            "handelsebaserade-trygghetsvandringar", local(2017, 5, 3, hour), event_id=f"d{n}"
        )

    earlier = [walk(n, 10 + n % 6) for n in range(300)]
    evening, later = local(2017, 5, 3, 18), walk(300, 20)
    cache = BucketCache([LUND.zone])

    async def read_at(at: datetime) -> list[KnownEvent]:
        async with metrics_pool.acquire() as connection:
            await cache.catch_up(connection)
            return (await cache.read_whole(connection, LUND.zone, at)).events

    await apply(metrics_pool, earlier)
    assert await read_at(evening) == []
    assert await kpis_of_state(metrics_pool, cache, evening) == kpis_of_engine(earlier, evening)

    await apply(metrics_pool, [later])
    read = await read_at(evening)
    assert len(read) == len(earlier)  # the day is cut at the evening: read event by event
    assert await kpis_of_state(metrics_pool, cache, evening) == kpis_of_engine(
        [*earlier, later], evening
    )
    assert await read_at(local(2017, 5, 3, 21)) == []
