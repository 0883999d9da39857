"""What must hold once the chaos is over and the services have caught up, checked as a user
of each service would see it:

- the activity register holds every accepted event exactly once, and nothing refused;
- the metrics service applied exactly the register, and the KPIs it reports are what the
  pure engine computes from the register;
- every KPI change was announced once: per commitment, each announcement starts where the
  previous one ended (a repeated or lost announcement breaks the chain);
- every announcement reached the notifications service, made its notifications, and each
  notification was delivered in exactly one message, which the receiver has;
- the dead-letter topics hold what was refused on the ingest topic, and nothing else;
- where no activities instance was killed (a relay cut off may publish a round again), each
  registered event was published once, each key's records in the register's order.
"""

import json
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import pairwise
from typing import Any, TypeVar

import httpx

from services.metrics.domain.engine import evaluate
from services.metrics.domain.facts import KnownEvent
from services.metrics.kpi_views import promise_view
from shared.contracts import topics
from shared.promises import default_promises
from tests.chaos.books import Books, Identity
from tests.chaos.stream import Events, identity
from tests.chaos.system import System
from tests.kafka_records import header, read_all
from tests.keys import admin_key, bearer
from tests.polling import eventually

T = TypeVar("T")


@dataclass(frozen=True)
class Expected:
    """What the partners were told was accepted, and what was refused where."""

    registered: set[Identity]
    refused: set[Identity]
    parked: set[str]  # ids of the events the ingest topic's consumer must dead-letter

    @classmethod
    def over_http(cls, events: Events) -> "Expected":
        """For events sent over HTTP only: nothing is dead-lettered."""
        return cls(
            registered={identity(e) for e in events.valid},
            refused={identity(e) for e in events.refused},
            parked=set(),
        )


async def settle(system: System, books: Books, expected: Expected, within: float) -> float:
    """Wait until every service has done all it will do with the events; return how long."""
    started = time.monotonic()
    await system.ready(within)

    async def registered_and_applied() -> tuple[int, int, int, int]:
        return (
            await books.count("activities.register"),
            await books.count("activities.outbox"),
            await books.count("metrics.applied_events"),
            await books.count("metrics.outbox"),
        )

    total = len(expected.registered)
    await until(
        "registered, published, applied (register, its outbox, applied, metrics' outbox)",
        registered_and_applied,
        lambda n: n == (total, 0, total, 0),
        within,
    )
    applied_at = datetime.now(UTC)
    # An evaluation that began after the last event was applied has announced everything.
    await until(
        f"metrics evaluated after {applied_at} (its last evaluation)",
        books.last_evaluation,
        lambda at: at is not None and at > applied_at,
        within,
    )
    await until("metrics' outbox empty", lambda: books.count("metrics.outbox"), _none, within)
    announced = await kpi_events(system)
    await until(
        "every KPI event received by notifications",
        books.received,
        lambda ids: ids >= set(announced),
        within,
    )
    await until("every notification delivered", books.unfinished, _none, within)
    return time.monotonic() - started


async def until(
    what: str, probe: Callable[[], Awaitable[T]], accept: Callable[[T], bool], within: float
) -> T:
    try:
        return await eventually(probe, accept, within=within)
    except AssertionError as error:
        raise AssertionError(f"not settled: {what}: {error}") from None


def _none(count: int) -> bool:
    return count == 0


async def kpi_events(system: System) -> dict[str, dict[str, Any]]:
    """The metrics service's announcements, by id (a repeat by the outbox counts once), in
    the order of their partitions."""
    records = await read_all(system.kafka, topics.METRICS.qualified(system.namespace))
    announced: dict[str, dict[str, Any]] = {}
    for record in records:
        event_id = header(record, "ce_id") or ""
        announced.setdefault(
            event_id, {"type": header(record, "ce_type"), "data": json.loads(record.value)}
        )
    return announced


async def audit(system: System, books: Books, expected: Expected) -> dict[str, Any]:
    """Check everything the module promises; return the figures worth reporting."""
    register = await books.register()
    assert len(register) == len(set(register)), "an event is in the register twice"
    assert set(register) == expected.registered, "the register is not what was accepted"
    assert not set(register) & expected.refused
    applied = await books.applied()
    assert sorted(applied) == sorted(register), "metrics applied other events than registered"

    await assert_kpis_are_the_engine_s(system, books)
    announced = await kpi_events(system)
    chains = assert_each_change_announced_once(announced)
    notifications = await assert_each_notification_delivered_once(system, books, announced)
    await assert_dead_letters(system, expected)
    return {
        "events_registered": len(register),
        "kpi_changes_announced": len(announced),
        "kpi_chains": chains,
        **notifications,
    }


async def assert_each_key_in_register_order(system: System, books: Books) -> int:
    """Every registered event was published once, and the records of each key on the
    activities topic follow the register's order: their places in it, as the register has
    them and as each record's header says, strictly increase in offset order. Return how
    many keys there were."""
    order = await books.register_order()
    records = await read_all(system.kafka, topics.ACTIVITIES.qualified(system.namespace))
    places: dict[bytes | None, list[int]] = defaultdict(list)
    published: list[Identity] = []
    for record in records:  # partition by partition, each in offset order
        event = (header(record, "ce_source") or "", header(record, "ce_id") or "")
        published.append(event)
        place = order.get(event)
        assert place is not None, f"{event} was published but is not in the register"
        carried = header(record, topics.REGISTER_SEQ_HEADER)
        assert carried == str(place), f"{event} carries {carried}, registered as {place}"
        places[record.key].append(place)
    assert sorted(published) == sorted(order), "the topic differs from the register"
    for key, in_offset_order in places.items():
        for before, after in pairwise(in_offset_order):
            assert after > before, f"key {key!r}: register order {before}, then {after}"
    return len(places)


async def assert_kpis_are_the_engine_s(system: System, books: Books) -> None:
    events = await books.register_events()
    at = datetime.now(UTC)
    headers = bearer(await admin_key(system.database_url))
    for instance in system.running:
        if instance.partition("-")[0] == "metrics":
            await assert_served_as_the_engine(system.url(instance), headers, events, at)


async def assert_served_as_the_engine(
    url: str, headers: dict[str, str], events: list[KnownEvent], at: datetime
) -> None:
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as client:
        for promise in default_promises():
            for period_of in (None, date(at.year - 1, 12, 31)):  # now, and how last year ended
                params = {"at": at.isoformat()}
                if period_of is not None:
                    params["period_of"] = period_of.isoformat()
                response = await client.get(f"/v1/promises/{promise.id}/kpis", params=params)
                assert response.status_code == 200, response.text
                recomputed = promise_view(
                    evaluate(promise, events, at, period_of=period_of, promises=default_promises())
                ).model_dump(mode="json")
                differing = differences(response.json(), recomputed)
                assert not differing, (
                    f"{url}: {promise.id} (period of {period_of or 'now'}) differs from the"
                    f" engine's in {differing}"
                )


def differences(served: dict[str, Any], recomputed: dict[str, Any]) -> dict[str, Any]:
    """What the service shows against what the engine computes, for each item that differs."""
    items = ("commitments", "outcomes")
    found: dict[str, Any] = {
        field: {"served": value, "engine": recomputed.get(field)}
        for field, value in served.items()
        if field not in items and value != recomputed.get(field)
    }
    for kind in items:
        shown = {item["id"]: item for item in served.get(kind, [])}
        engine = {item["id"]: item for item in recomputed.get(kind, [])}
        for item_id in shown.keys() | engine.keys():
            if shown.get(item_id) != engine.get(item_id):
                found[item_id] = {"served": shown.get(item_id), "engine": engine.get(item_id)}
    return found


def assert_each_change_announced_once(announced: dict[str, dict[str, Any]]) -> int:
    """Status changes per (promise, commitment or indicator, period) follow on each other.

    Periods that are over are left out: in January the closing year's verdicts are announced
    apart from the rest (see the metrics service's evaluator), so they chain only among
    themselves."""
    today = datetime.now(UTC).date().isoformat()
    chains: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for event in announced.values():
        data = event["data"]
        span = data.get("period")
        if span is not None and span["end"] <= today:  # [start, end): it is over
            continue
        if event["type"] in ("commitment.status-changed", "outcome.changed"):
            subject = data.get("commitment") or data["indicator"]
            period = json.dumps(span, sort_keys=True)
            chains[(event["type"], data["promise"], subject, period)].append(data)
    for key, changes in chains.items():
        for before, after in pairwise(changes):
            assert after["old_status"] == before["new_status"], f"{key}: {before} then {after}"
    return len(chains)


async def assert_each_notification_delivered_once(
    system: System, books: Books, announced: dict[str, dict[str, Any]]
) -> dict[str, int]:
    assert await books.received() == set(announced), "the KPI events received differ"
    notifications = await books.notifications()
    keys = {n["key"] for n in notifications}
    for event_id, event in announced.items():
        if event["type"] != "coverage.gap":  # a gap is told only near its period's end
            for organisation in event["data"]["organisations"]:
                assert f"{event_id}/{organisation}" in keys, f"no notification of {event_id}"
    assert {n["state"] for n in notifications} <= {"sent"}
    deliveries = await books.deliveries()
    assert {d["status"] for d in deliveries} <= {"delivered"}
    told = Counter(key for d in deliveries for key in d["new_keys"])
    assert told == Counter(keys), "a notification was told in more or fewer than one message"
    delivered = {f"msg_{d['id'].hex}" for d in deliveries}
    assert set(system.receiver.accepted) == delivered, "the receiver's messages differ"
    requests = Counter(system.receiver.requests)
    return {
        "notifications": len(notifications),
        "messages_delivered": len(delivered),
        "messages_sent_again_under_the_same_id": sum(n - 1 for n in requests.values()),
    }


async def assert_dead_letters(system: System, expected: Expected) -> None:
    parked: dict[str, set[str]] = {}
    for topic in topics.CONSUMED:
        name = topics.dead_letter(topic).qualified(system.namespace)
        parked[topic.name] = {header(r, "ce_id") or "" for r in await read_all(system.kafka, name)}
    assert parked == {
        topics.INGEST.name: expected.parked,
        topics.ACTIVITIES.name: set(),
        topics.METRICS.name: set(),
    }
