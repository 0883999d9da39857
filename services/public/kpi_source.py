"""Reading a promise's KPIs from the metrics service's API, as staff would, with a key."""

from datetime import date, datetime
from typing import Any

import httpx


class KpiUnavailable(Exception):
    """The metrics service did not give the figures; the reason is the message."""


class KpiSource:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def promise_kpis(
        self, promise_id: str, at: datetime | None = None, period_of: date | None = None
    ) -> dict[str, Any]:
        """The KPIs now, or as of `at` for the periods holding `period_of`."""
        params = {"at": at.isoformat()} if at else {}
        if period_of:
            params["period_of"] = period_of.isoformat()
        try:
            response = await self._client.get(f"/v1/promises/{promise_id}/kpis", params=params)
        except httpx.HTTPError as error:
            raise KpiUnavailable(f"{type(error).__name__}: {error}") from error
        if response.status_code != 200:
            raise KpiUnavailable(f"the metrics service answered {response.status_code}")
        try:
            body = response.json()
        except ValueError as error:
            raise KpiUnavailable("the metrics service's answer is not JSON") from error
        if not isinstance(body, dict) or body.get("promise") != promise_id:
            raise KpiUnavailable("the metrics service's answer is not this promise's KPIs")
        return body


def metrics_client(url: str, api_key: str | None, timeout: float = 10.0) -> httpx.AsyncClient:
    headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
    return httpx.AsyncClient(base_url=url, headers=headers, timeout=timeout)
