"""Delivery by HTTP POST: signed webhooks, and Teams incoming webhooks.

Both sort the answer the same way (see `outcome_of_http_status`). The HTTP client belongs to
the caller, who sets its timeouts and closes it; the channels never follow redirects, so a
signed notification only ever goes to the URL it was configured for.
"""

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from services.notifications.channels.message import (
    DeliveryResult,
    Message,
    outcome_of_http_status,
)
from services.notifications.channels.signing import signed_headers

USER_AGENT = "lofte-notifications"
# Enough of an error answer to see what went wrong, not a page a receiver may send back.
_DETAIL_BYTES = 500
# A Retry-After beyond this is treated as a misconfigured receiver, not a plan.
_LONGEST_RETRY_AFTER = timedelta(days=1)

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class WebhookChannel:
    """POSTs the message's JSON payload, signed per Standard Webhooks.

    `webhook_id` should be the notification key: it stays the same on every retry, so the
    receiver can recognise a delivery it already has.
    """

    def __init__(self, client: httpx.AsyncClient, *, clock: Clock = _utc_now) -> None:
        self._client = client
        self._clock = clock

    async def send(
        self, url: str, secret: str | bytes, message: Message, webhook_id: str
    ) -> DeliveryResult:
        body = json_body(message.payload)
        now = self._clock()
        headers = signed_headers(
            body, secret=secret, webhook_id=webhook_id, timestamp=int(now.timestamp())
        )
        return await post(self._client, url, body, headers, now=now)


class TeamsChannel:
    """POSTs the message's Teams card to an incoming-webhook (or workflow) URL."""

    def __init__(self, client: httpx.AsyncClient, *, clock: Clock = _utc_now) -> None:
        self._client = client
        self._clock = clock

    async def send(self, url: str, message: Message) -> DeliveryResult:
        return await post(self._client, url, json_body(message.teams_card), {}, now=self._clock())


def json_body(value: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON. Signed as these exact bytes, so it is serialised only once."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


async def post(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    now: datetime,
) -> DeliveryResult:
    request_headers = {"content-type": "application/json", "user-agent": USER_AGENT, **headers}
    try:
        async with client.stream(
            "POST", url, content=body, headers=request_headers, follow_redirects=False
        ) as response:
            answer = await _start_of_body(response)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
        return DeliveryResult("permanent", f"bad webhook URL: {error}")
    except httpx.TimeoutException as error:
        return DeliveryResult("temporary", f"timed out: {type(error).__name__}")
    except httpx.RequestError as error:
        return DeliveryResult("temporary", f"{type(error).__name__}: {error}")
    status = response.status_code
    outcome = outcome_of_http_status(status)
    status_line = f"HTTP {status} {response.reason_phrase}"
    return DeliveryResult(
        outcome,
        f"{status_line}: {answer}" if answer else status_line,
        status,
        retry_after=(
            _retry_after(response.headers.get("retry-after"), now)
            if outcome == "temporary"
            else None
        ),
    )


async def _start_of_body(response: httpx.Response) -> str:
    received = bytearray()
    try:
        async for chunk in response.aiter_bytes():
            received += chunk
            if len(received) >= _DETAIL_BYTES:
                break
    except httpx.HTTPError:
        # The status line is the answer; a body cut short does not change it.
        pass
    return received[:_DETAIL_BYTES].decode("utf-8", "replace").strip()


def _retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as delta-seconds or as an HTTP date; None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        wait = timedelta(seconds=min(int(value), int(_LONGEST_RETRY_AFTER.total_seconds())))
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        wait = when - now
    return min(max(wait, timedelta(0)), _LONGEST_RETRY_AFTER)
