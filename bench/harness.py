"""What every benchmark shares: where the infrastructure is, what it reports, and how."""

import contextlib
import json
import os
import platform
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg


@dataclass(frozen=True, slots=True)
class Target:
    """A figure and the bound the issue sets for it."""

    figure: str
    limit: float
    higher_is_better: bool

    def met(self, value: float) -> bool:
        return value >= self.limit if self.higher_is_better else value <= self.limit

    def describe(self) -> str:
        return f"{self.figure} {'≥' if self.higher_is_better else '<'} {self.limit:g}"


@dataclass(slots=True)
class Result:
    name: str
    figures: dict[str, float] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, figure: str, value: float, unit: str) -> None:
        self.figures[figure] = value
        self.units[figure] = unit

    def verdicts(self) -> dict[str, bool]:
        return {
            target.describe(): target.met(self.figures[target.figure])
            for target in self.targets
            if target.figure in self.figures
        }

    def render(self) -> str:
        lines = [f"== {self.name}"]
        width = max((len(name) for name in self.figures), default=0)
        for name, value in self.figures.items():
            lines.append(f"  {name:<{width}}  {value:>14,.3f} {self.units[name]}")
        for described, met in self.verdicts().items():
            lines.append(f"  target {described}: {'met' if met else 'MISSED'}")
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "figures": self.figures,
            "units": self.units,
            "targets": {described: met for described, met in self.verdicts().items()},
            "notes": self.notes,
        }


@dataclass(frozen=True, slots=True)
class Bench:
    """The infrastructure and the knobs of one run."""

    kafka: str
    database_url: str
    quick: bool
    out: Path
    events: int
    scale_events: int
    rate: float
    seconds: float

    @property
    def logs(self) -> Path:
        path = self.out / "logs"
        path.mkdir(parents=True, exist_ok=True)
        return path

    @contextlib.asynccontextmanager
    async def database(self) -> AsyncIterator[str]:
        """A new, empty database on the server, dropped afterwards."""
        name = f"lofte_bench_{uuid.uuid4().hex[:10]}"
        admin = await asyncpg.connect(self.database_url)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        try:
            yield urlunsplit(urlsplit(self.database_url)._replace(path=f"/{name}"))
        finally:
            admin = await asyncpg.connect(self.database_url)
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()

    @staticmethod
    def namespace() -> str:
        """A topic namespace of the run's own, so that runs never read each other's events."""
        return f"bench-{uuid.uuid4().hex[:8]}."


Benchmark = Callable[[Bench], Awaitable[Result]]


def machine() -> dict[str, object]:
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": len(os.sched_getaffinity(0)),
    }


def write(results: list[Result], bench: Bench) -> Path:
    bench.out.mkdir(parents=True, exist_ok=True)
    for result in results:
        (bench.out / f"{result.name}.json").write_text(json.dumps(result.to_json(), indent=2))
    summary = bench.out / "summary.json"
    summary.write_text(
        json.dumps(
            {
                "machine": machine(),
                "quick": bench.quick,
                "parameters": {k: v for k, v in asdict(bench).items() if k != "database_url"},
                "results": [result.to_json() for result in results],
            },
            indent=2,
            default=str,
        )
    )
    return summary
