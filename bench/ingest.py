"""Ingest API: requests/s and latency of `POST /v1/events` against a bare Starlette endpoint.

The activities service runs as a process with its PostgreSQL and Kafka (outbox relay on);
the baseline (`bench.bare_app`) only parses the same JSON, under the same uvicorn settings.
wrk sends Lund partner events with the key of a real organisation (polisen), each event new,
one a request or a batch of 100, to both in turn. Afterwards the register must hold every
event the service acknowledged: a benchmark that drops data measures nothing. For each shape
the CPU time the service and PostgreSQL spent for each event is counted too (`bench.cpu`),
until the relay has emptied the outbox again: on a shared machine it compares across runs
where requests/s do not.

Target (issue #7): the service's requests/s at least half the bare endpoint's, both shapes.
"""

import asyncio
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.cpu import Spent
from bench.harness import Bench, Result, Target
from bench.load import Load, run_wrk, write_data
from bench.partner_events import acceptable, first_year
from bench.processes import start_bare
from bench.register import Register
from services.activities.domain import Catalogue
from shared.promises import default_promises
from tests.e2e.lund_scenario import create_key
from tests.processes import ServiceProcess, service_env, start, stopped_on_exit, wait_ready

ORGANISATION = "polisen"
TARGET_RATIO = 0.5
OUTBOX_WITHIN = 300.0
WARM_UP, MEASURE = 3, 15  # seconds of each wrk run
# The duplicates run resends this many events: over the connections, few resends of one
# event are in flight at once, so it measures a resend, not row-lock waits between them.
RESENT = 64
Processes = tuple[ServiceProcess, ServiceProcess]  # the activities service, the bare app


@dataclass(frozen=True, slots=True)
class Shape:
    name: str
    size: int  # events a request; 1 is one structured event, more a batch
    connections: int


SHAPES = (Shape("single", 1, 8), Shape("batch", 100, 8))


def templates() -> list[dict[str, Any]]:
    """What polisen's systems report in Lund's first year, as the service would accept it."""
    catalogue = Catalogue(default_promises())
    return list(acceptable(first_year(), catalogue, datetime.now(UTC), ORGANISATION))


class Ingest:
    """One run: the service and the baseline up, wrk's data (key and events) written."""

    def __init__(
        self, processes: Processes, data: Path, register: Register, quick: bool, database_url: str
    ) -> None:
        self.service, self.bare = processes
        self.data = data
        self.register = register
        # Per shape of new events: CPU µs of the service and of PostgreSQL for each event.
        self.cpu_per_event: dict[str, tuple[float, float]] = {}
        self.drained: dict[str, float] = {}  # seconds from the end of a load to an empty outbox
        self.warm_up, self.measure = (1, 2) if quick else (WARM_UP, MEASURE)
        self.spent = Spent(self.service.process.pid, database_url)

    @classmethod
    async def prepare(
        cls, processes: Processes, database_url: str, folder: Path, quick: bool
    ) -> "Ingest":
        await asyncio.gather(*map(wait_ready, processes))
        key = await create_key(database_url, ORGANISATION)
        data = write_data(folder / "ingest-events.lua", key, templates())
        return cls(processes, data, Register(database_url), quick, database_url)

    async def load(self, target: ServiceProcess, shape: Shape, *, distinct: int = 0) -> Load:
        """A warm-up, then the measured run; on the service, each checked against the register."""
        for seconds in (self.warm_up, self.measure):
            before = await self.register.count() if target is self.service else 0
            self.spent.start()
            load = await run_wrk(
                target.url,
                self.data,
                size=shape.size,
                seconds=seconds,
                connections=shape.connections,
                distinct=distinct,
            )
            if load.non_2xx:
                raise RuntimeError(
                    f"{target.name} refused {load.non_2xx} requests ({shape.name});"
                    f" see {target.log}"
                )
            if target is self.service:
                added = await self.register.settled() - before
                # The relay's share of each event is spent once the outbox is empty again.
                drained = await self.register.outbox_drained(OUTBOX_WITHIN)
                self.spent.stop()
                self.register.check(load, shape.size, shape.connections, added, distinct=distinct)
                if not distinct:
                    self.drained[shape.name] = drained
                    spent = self.spent
                    self.cpu_per_event[shape.name] = (
                        spent.service / added * 1e6,
                        spent.database / added * 1e6,
                    )
        return load


def record(result: Result, shape: Shape, service: Load, bare: Load) -> None:
    for label, load in ((shape.name, service), (f"{shape.name} bare", bare)):
        result.add(f"{label} requests/s", load.per_second, "req/s")
        result.add(f"{label} events/s", load.per_second * shape.size, "events/s")
        result.add(f"{label} p50", load.p50_ms, "ms")
        result.add(f"{label} p99", load.p99_ms, "ms")
    ratio = f"{shape.name} ratio"
    result.add(ratio, service.per_second / bare.per_second, "× bare requests/s")
    result.add(f"{shape.name} p99 ratio", service.p99_ms / bare.p99_ms, "× bare p99")
    result.targets.append(Target(ratio, TARGET_RATIO, higher_is_better=True))
    unanswered = service.timeouts + service.socket_errors
    if unanswered:
        result.notes.append(
            f"{shape.name}: {unanswered} requests timed out or failed on the socket"
        )


async def run(bench: Bench) -> Result:
    result = Result("ingest")
    async with bench.database() as database_url:
        env = service_env(bench.kafka, database_url, bench.namespace())
        processes = (start("activities", env, bench.logs), start_bare(env, bench.logs))
        with stopped_on_exit(list(processes)), tempfile.TemporaryDirectory() as folder:
            ingest = await Ingest.prepare(processes, database_url, Path(folder), bench.quick)
            for shape in SHAPES:
                bare = await ingest.load(ingest.bare, shape)
                record(result, shape, await ingest.load(ingest.service, shape), bare)
                service_cpu, database_cpu = ingest.cpu_per_event[shape.name]
                result.add(f"{shape.name} service CPU a event", service_cpu, "µs")
                result.add(f"{shape.name} PostgreSQL CPU a event", database_cpu, "µs")
                if shape.size == 1:
                    # Right after the new events, so that both meet the same machine.
                    again = await ingest.load(ingest.service, shape, distinct=RESENT)
                    new_rate = result.figures["single requests/s"]
                    result.add("single duplicates requests/s", again.per_second, "req/s")
                    result.add("duplicate ratio", again.per_second / new_rate, "× new requests/s")
            for name, seconds in ingest.drained.items():
                result.add(f"{name} outbox drained", seconds, "s")
            result.add("events acknowledged", ingest.register.acknowledged, "events")
            result.add("events registered", ingest.register.registered, "events")
    connections = ", ".join(f"{shape.name} {shape.connections}" for shape in SHAPES)
    result.notes.append(
        f"wrk: 1 thread, {connections} connections; {ingest.measure}s measured after"
        f" {ingest.warm_up}s warm-up; every event new but in the duplicates run"
    )
    return result
