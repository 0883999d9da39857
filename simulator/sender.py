"""Posts events to the ingest API in batches, the way a partner's integration would."""

import asyncio
import json
import logging
from collections import Counter
from collections.abc import Iterable
from itertools import islice
from typing import Any

import httpx

log = logging.getLogger("simulator")

BATCH = "application/cloudevents-batch+json"
BATCH_SIZE = 100


class Sender:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client
        self.outcomes: Counter[str] = Counter()

    async def send(self, events: Iterable[dict[str, Any]]) -> None:
        pending = iter(events)
        while chunk := list(islice(pending, BATCH_SIZE)):
            await self._post(chunk)

    async def _post(self, chunk: list[dict[str, Any]]) -> None:
        delay = 0.5
        while True:
            try:
                response = await self._client.post(
                    "/v1/events", content=json.dumps(chunk), headers={"content-type": BATCH}
                )
            except httpx.TransportError as error:
                log.warning("ingest unreachable (%s); retrying in %.1fs", error, delay)
            else:
                if response.status_code < 500:
                    self._record(response, len(chunk))
                    return
                log.warning("ingest answered %d; retrying in %.1fs", response.status_code, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)

    def _record(self, response: httpx.Response, count: int) -> None:
        if response.status_code == 202:
            self.outcomes["accepted"] += count
        else:
            self.outcomes[f"refused ({response.status_code})"] += count
            log.warning("refused: %s", response.text[:500])

    def summary(self) -> str:
        return ", ".join(f"{n} {outcome}" for outcome, n in sorted(self.outcomes.items()))
