"""Posts events to the ingest API in batches, each with its organisation's API key."""

import asyncio
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import islice
from pathlib import Path
from typing import Any

import httpx

from simulator import lund

log = logging.getLogger("simulator")

BATCH = "application/cloudevents-batch+json"
BATCH_SIZE = 100
REPORTER_OF_SOURCE = {source: organisation for organisation, source in lund.SOURCES.items()}


def read_keys(path: Path) -> dict[str, str]:
    """`organisation=key` lines, as `make up` writes them."""
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {organisation.strip(): key.strip() for organisation, key in pairs}


class Sender:
    def __init__(self, client: httpx.AsyncClient, keys: Mapping[str, str]) -> None:
        self._client = client
        self._keys = keys
        self.outcomes: Counter[str] = Counter()

    async def send(self, events: Iterable[dict[str, Any]]) -> None:
        pending = iter(events)
        while chunk := list(islice(pending, BATCH_SIZE)):
            by_reporter: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for event in chunk:
                by_reporter[REPORTER_OF_SOURCE[event["source"]]].append(event)
            for reporter, events_of_reporter in by_reporter.items():
                await self._post_each_valid(reporter, events_of_reporter)

    async def _post_each_valid(self, reporter: str, events: list[dict[str, Any]]) -> None:
        # A batch is all or nothing; a refused batch is split so that its good events get in,
        # as a partner's integration would once it read the reasons.
        status = await self._post(reporter, events)
        if status == 202:
            self.outcomes["accepted"] += len(events)
        elif len(events) == 1:
            self.outcomes[f"refused ({status})"] += 1
        else:
            middle = len(events) // 2
            await self._post_each_valid(reporter, events[:middle])
            await self._post_each_valid(reporter, events[middle:])

    async def _post(self, reporter: str, events: list[dict[str, Any]]) -> int:
        headers = {"content-type": BATCH, "authorization": f"Bearer {self._keys[reporter]}"}
        delay = 0.5
        while True:
            try:
                response = await self._client.post(
                    "/v1/events", content=json.dumps(events), headers=headers
                )
            except httpx.TransportError as error:
                log.warning("ingest unreachable (%s); retrying in %.1fs", error, delay)
            else:
                if response.status_code < 500:
                    if response.status_code != 202 and len(events) == 1:
                        log.info("refused as expected: %s", response.text[:300])
                    return response.status_code
                log.warning("ingest answered %d; retrying in %.1fs", response.status_code, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)

    def summary(self) -> str:
        return ", ".join(f"{n} {outcome}" for outcome, n in sorted(self.outcomes.items()))
