"""Reading a promise's KPIs from the metrics service's API, as staff would, with a key.

The answer is parsed as the API's contract (`shared.contracts.kpis`), the model the metrics
service builds it from: should the two disagree, the read fails loudly (in the log, and in
the site's count of failed reads) and the site keeps showing the last figures it could read,
with their age, rather than figures half understood.
"""

import logging
from datetime import date, datetime

import httpx
from pydantic import ValidationError

from shared.contracts.kpis import PromiseKpisView

log = logging.getLogger(__name__)


class KpiUnavailable(Exception):
    """The metrics service did not give the figures; the reason is the message."""


class KpiSource:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def promise_kpis(
        self,
        promise_id: str,
        at: datetime | None = None,
        period_of: date | None = None,
        known_at: datetime | None = None,
    ) -> PromiseKpisView:
        """The KPIs now, or as of `at` for the periods holding `period_of`, with what was
        said and retracted up to `known_at` (the metrics service's default: `at`)."""
        params = {"at": at.isoformat()} if at else {}
        if period_of:
            params["period_of"] = period_of.isoformat()
        if known_at:
            params["known_at"] = known_at.isoformat()
        try:
            response = await self._client.get(f"/v1/promises/{promise_id}/kpis", params=params)
        except httpx.HTTPError as error:
            raise KpiUnavailable(f"{type(error).__name__}: {error}") from error
        if response.status_code != 200:
            raise KpiUnavailable(f"the metrics service answered {response.status_code}")
        return parse_kpis(promise_id, response.content)


def parse_kpis(promise_id: str, body: bytes) -> PromiseKpisView:
    """The metrics service's answer as the contract types it; KpiUnavailable otherwise."""
    try:
        kpis = PromiseKpisView.model_validate_json(body)
    except ValidationError as error:
        log.error("the metrics service's KPIs of %s do not parse: %s", promise_id, error)
        raise KpiUnavailable(
            "the metrics service's answer is not the KPI API's contract"
        ) from error
    if kpis.promise != promise_id:
        raise KpiUnavailable("the metrics service's answer is not this promise's KPIs")
    return kpis


def metrics_client(url: str, api_key: str | None, timeout: float = 10.0) -> httpx.AsyncClient:
    headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
    return httpx.AsyncClient(base_url=url, headers=headers, timeout=timeout)
