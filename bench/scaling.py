"""Replay with 1, 2 and 3 metrics instances in one consumer group: events/s, and CPU seconds
per event summed over the instances.

For each count the same accepted events go to a topic and a database of their own, produced
once the instances are up (so that no instance applies a share while the others still
start), and are timed from the first record sent until every event has been applied once.
The figure of merit is the CPU per event: an event is applied once whatever the count, so
the work per event should not grow as instances are added, and events/s should grow with
the cores there are to give them (on a 2-core machine shared with Kafka and PostgreSQL, it
cannot grow much).
"""

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import httpx

from bench.harness import Bench, Result, Target
from bench.replay import POLL_SECONDS, produce, progress_of
from shared.contracts import topics
from shared.messaging.admin import ensure_topics
from shared.messaging.connection import KafkaConnection
from tests.processes import ServiceProcess, start, stopped_on_exit, wait_ready

INSTANCES = (1, 2, 3)
# CPU per event may move a little between runs of the same code; more than this is growth.
CPU_GROWTH_ALLOWED = 1.1
TICKS = os.sysconf("SC_CLK_TCK")


async def run(bench: Bench) -> Result:
    result = Result("scaling")
    result.add("events", bench.scale_events, "events")
    cpu_per_event: dict[int, float] = {}
    for count in INSTANCES:
        async with bench.database() as database_url:
            rate, cpu, applied = await replay_with(bench, database_url, count)
        cpu_per_event[count] = cpu / applied
        result.add(f"{count} instance(s): events/s", rate, "events/s")
        result.add(f"{count} instance(s): CPU per event", cpu / applied * 1e6, "µs")
    for count in INSTANCES[1:]:
        figure = f"CPU per event, {count} vs 1"
        result.add(figure, cpu_per_event[count] / cpu_per_event[1], "×")
        result.targets.append(Target(figure, CPU_GROWTH_ALLOWED, higher_is_better=False))
    return result


async def replay_with(bench: Bench, database_url: str, count: int) -> tuple[float, float, int]:
    """Events/s and CPU seconds (all instances) of `count` instances applying the events,
    and how many distinct events there were: each is applied by one of them, once."""
    namespace = bench.namespace()
    topic = topics.ACTIVITIES.qualified(namespace)
    await ensure_topics(KafkaConnection(bench.kafka), [topics.ACTIVITIES], namespace)
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": bench.kafka,
        "DATABASE_URL": database_url,
        "TOPIC_NAMESPACE": namespace,
        "CONSUMER_GROUP": f"{namespace}metrics",
    }
    async with instances(count, env, bench.logs) as started, httpx.AsyncClient() as client:
        pids = [process.process.pid for process in started]
        began, cpu_began = time.perf_counter(), cpu_seconds(pids)
        distinct = await produce(bench.kafka, topic, bench.scale_events)
        while True:
            progress = [await progress_of(client, process.url) for process in started]
            if sum(p.applied for p in progress) >= distinct:
                break
            await asyncio.sleep(POLL_SECONDS)
        elapsed = time.perf_counter() - began
        return distinct / elapsed, cpu_seconds(pids) - cpu_began, distinct


@contextlib.asynccontextmanager
async def instances(
    count: int, env: dict[str, str], logs: Path
) -> AsyncIterator[Sequence[ServiceProcess]]:
    started = [
        start(
            f"metrics-{n}",
            {**env, "INSTANCE_ID": f"metrics-{n}"},
            logs,
            module="services.metrics",
        )
        for n in range(1, count + 1)
    ]
    with stopped_on_exit(started):
        await asyncio.gather(*(wait_ready(process) for process in started))
        yield started


def cpu_seconds(pids: Sequence[int]) -> float:
    """User and system CPU time the processes have used so far."""
    total = 0
    for pid in pids:
        # Fields after the command name, which is in parentheses and may hold spaces.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS
