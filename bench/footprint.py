"""Footprint: each service's peak RSS while a stream of events goes through the pipeline, and
how long a Prometheus scrape of its /metrics takes with ten promises' KPIs loaded.

Ten promises: the shipped Lund 2017 and nine copies with ids and parties of their own
(PROMISES_DIR). Three years of Lund's partner events from the simulator, as each copy's
partners would send them, go through the three services as processes (quick mode: a month).
Baselines in the same run: the bare app (`bench.bare_app`) under the same uvicorn settings,
for memory and for a scrape of a bare prometheus_client registry; and, for reference, what
importing each service's code alone costs.

Targets (issue #7): peak RSS < 300 MB and scrape p99 < 50 ms, for each service.
"""

import asyncio
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.harness import Bench, Result, Target
from bench.mail_sink import email_only_routing, listening, mail_sink, notifications_env
from bench.partner_events import Event, acceptable, simulated
from bench.pipeline import produce, through
from bench.processes import peak_rss, start_bare
from bench.promise_copies import LUND, PromiseCopy, as_reported_in, write_copies
from bench.scrape import Scrapes, scrape
from services.activities.domain import Catalogue
from shared.promises import deployed_promises
from tests.processes import ROOT, SERVICES, all_services, service_env, stopped_on_exit, wait_ready

PROMISES = 10
MB = 1_000_000
RSS_LIMIT_MB = 300
SCRAPE_LIMIT_MS = 50
# 200 scrapes of each target, all at once, spread over 40 s: longer than the metrics
# service's evaluation interval (30 s), so its evaluations are seen as often as they happen.
SCRAPE_EVERY = 0.2
PIPELINE_WITHIN = 1800.0
# Three years of ten areas' partners is ~27,000 events. All of Lund's years since 2017
# (~90,000) were too many for two shared cores: the metrics service, which evaluates every
# promise over all events between batches while it catches up, had slowed to ~2,000 events
# a minute at 55,000 applied.
SPAN = timedelta(days=3 * 365)
QUICK_SPAN = timedelta(days=30)


def stream(quick: bool, promises: list[PromiseCopy]) -> list[Event]:
    """What the partners of every promise sent in the last days up to now."""
    now = datetime.now(UTC)
    lund = list(simulated(now - (QUICK_SPAN if quick else SPAN), now))
    return [as_reported_in(event, copy) for copy in promises for event in lund]


async def imports_only(service: str) -> int:
    """Peak RSS of a Python that only imported the service's code: what it costs to be it."""
    code = (
        f"import os, services.{service}.main; from bench.processes import peak_rss;"
        " print(peak_rss(os.getpid()))"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    stdout, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"importing services.{service}.main failed")
    return int(stdout)


def record_scrapes(result: Result, name: str, scrapes: Scrapes, bare: Scrapes | None) -> None:
    result.add(f"{name} scrape median", scrapes.median_ms, "ms")
    result.add(f"{name} scrape p99", scrapes.p99_ms, "ms")
    result.add(f"{name} scrape max", scrapes.max_ms, "ms")
    if bare is not None:
        result.add(f"{name} scrape ratio", scrapes.p99_ms / bare.p99_ms, "× bare p99")
        result.add(f"{name} series", scrapes.samples, "series")
        result.targets.append(Target(f"{name} scrape p99", SCRAPE_LIMIT_MS, False))


def record_rss(result: Result, bare: int, peaks: dict[str, int], code_only: list[int]) -> None:
    result.add("bare peak RSS", bare / MB, "MB")
    for name, imported in zip(SERVICES, code_only, strict=True):
        result.add(f"{name} peak RSS", peaks[name] / MB, "MB")
        result.add(f"{name} RSS ratio", peaks[name] / bare, "× bare")
        result.add(f"{name} imports-only RSS", imported / MB, "MB")
        result.targets.append(Target(f"{name} peak RSS", RSS_LIMIT_MB, False))


async def run(bench: Bench) -> Result:
    result = Result("footprint")
    scrapes, every = (30, 0.0) if bench.quick else (200, SCRAPE_EVERY)
    with tempfile.TemporaryDirectory() as name, mail_sink(bench.logs / "smtp.log") as smtp:
        folder = Path(name)
        (promises := folder / "promises").mkdir()
        copies = [LUND, *write_copies(promises, PROMISES - 1)]
        events = stream(bench.quick, copies)
        catalogue = Catalogue(deployed_promises(directory=promises))
        accepted = sum(1 for _ in acceptable(events, catalogue, datetime.now(UTC)))
        await listening(smtp)
        async with bench.database() as database_url:
            namespace = bench.namespace()
            env = {
                **service_env(bench.kafka, database_url, namespace),
                **notifications_env(email_only_routing(folder), smtp),
                "PROMISES_DIR": str(promises),
            }
            with (
                all_services(env, bench.logs) as services,
                stopped_on_exit([start_bare(env, bench.logs)]) as (bare,),
            ):
                await asyncio.gather(*map(wait_ready, [*services.values(), bare]))
                await produce(bench.kafka, namespace, events)
                seconds = await through(database_url, bench.kafka, env, accepted, PIPELINE_WITHIN)
                targets = [bare, *services.values()]
                timed = await asyncio.gather(*(scrape(t.url, scrapes, every) for t in targets))
                bare_rss = peak_rss(bare.process.pid)
                peaks = {name: peak_rss(s.process.pid) for name, s in services.items()}
    record_scrapes(result, "bare", timed[0], None)
    for service, scraped in zip(SERVICES, timed[1:], strict=True):
        record_scrapes(result, service, scraped, timed[0])
    record_rss(result, bare_rss, peaks, await asyncio.gather(*map(imports_only, SERVICES)))
    result.add("promises", len(copies), "promises")
    result.add("events sent", len(events), "events")
    result.add("events accepted", accepted, "events")
    result.add("pipeline", seconds, "s")
    result.notes.append(
        f"{scrapes} scrapes of each target side by side, one every {every}s, after the pipeline"
        " caught up; RSS is VmHWM; notifications deliver by email to a local SMTP sink"
    )
    return result
