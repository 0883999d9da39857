"""Timing `/metrics` the way Prometheus scrapes it: a whole GET on a kept-alive connection,
asking for the formats Prometheus asks for, at a steady cadence.

The cadence matters: a service's event loop is sometimes busy with other work (the metrics
service evaluating its KPIs, say), and a scrape that arrives then waits. Scrapes spread over
longer than that work's period see it as often as Prometheus would; a burst of back-to-back
scrapes may miss it or land in it entirely.
"""

import asyncio
import statistics
import time
from dataclasses import dataclass

import httpx

# What Prometheus 2.x asks for by default.
ACCEPT = (
    "application/openmetrics-text;version=1.0.0,"
    "application/openmetrics-text;version=0.0.1;q=0.75,"
    "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
)


@dataclass(frozen=True, slots=True)
class Scrapes:
    seconds: list[float]
    size: int  # bytes of the last answer
    samples: int  # series in it

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def max_ms(self) -> float:
        return max(self.seconds) * 1000

    @property
    def p99_ms(self) -> float:
        return statistics.quantiles(self.seconds, n=100, method="inclusive")[98] * 1000


async def scrape(url: str, count: int, every: float) -> Scrapes:
    """`count` scrapes, one starting every `every` seconds (or at once when one takes longer)."""
    seconds = []
    async with httpx.AsyncClient(base_url=url, timeout=30, headers={"accept": ACCEPT}) as client:
        await client.get("/metrics")  # the connection is opened once, as Prometheus keeps it
        due = time.perf_counter()
        for _ in range(count):
            await asyncio.sleep(max(due - time.perf_counter(), 0))
            due += every
            started = time.perf_counter()
            response = await client.get("/metrics")
            seconds.append(time.perf_counter() - started)
            response.raise_for_status()
    text = response.text
    samples = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
    return Scrapes(seconds, len(response.content), samples)
