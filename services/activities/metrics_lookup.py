"""The metrics service's part of a receipt, asked over its HTTP API: whether it applied an
event, and towards which KPIs it counts. Whatever goes wrong on the way is said, not raised:
a receipt answers without its metrics part rather than not at all."""

from dataclasses import dataclass
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from shared.contracts.receipts import AppliedEventView


@dataclass(frozen=True, slots=True)
class NotAnswered:
    detail: str


Answer = AppliedEventView | NotAnswered | None  # None: the metrics service has not applied it


class MetricsLookup:
    def __init__(self, url: str, api_key: str | None, timeout_seconds: float) -> None:
        self._url = url.rstrip("/")
        self._headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = timeout_seconds

    async def applied(self, source: str, event_id: str) -> Answer:
        path = f"/v1/applied/{quote(source, safe='')}/{quote(event_id, safe='')}"
        try:
            async with httpx.AsyncClient(
                base_url=self._url, headers=self._headers, timeout=self._timeout
            ) as client:
                response = await client.get(path)
        except httpx.HTTPError as error:
            return NotAnswered(f"the metrics service could not be reached ({type(error).__name__})")
        if response.status_code == 404:
            return None
        if response.status_code in (401, 403):
            return NotAnswered(
                f"the metrics service refused this service's key ({response.status_code}): "
                "METRICS_API_KEY must be an admin's"
            )
        if response.status_code != 200:
            return NotAnswered(f"the metrics service answered {response.status_code}")
        try:
            return AppliedEventView.model_validate_json(response.content)
        except ValidationError:
            return NotAnswered("the metrics service's answer could not be read")
