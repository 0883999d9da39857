"""One attempt at one logged delivery: render the message, hand it to its channel.

The idempotency key of every attempt is the delivery row's id: the email's Message-ID is
derived from it and the webhook's `webhook-id` is it, so a receiver that deduplicates by
those ids sees a message once however often an attempt is repeated. The acknowledge link
expires a fixed time after the delivery was planned, so every attempt carries the same one.

URLs on the reserved example domains (example.org & co., RFC 2606) reach nobody by
definition: such a webhook or Teams target is failed at once, never called.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from urllib.parse import urlsplit

import httpx

from services.notifications.channels import (
    DeliveryResult,
    EmailChannel,
    Message,
    TeamsChannel,
    WebhookChannel,
    render,
)
from services.notifications.domain import RoutingConfig
from services.notifications.domain.ack_links import AckLinks, AckTarget
from services.notifications.domain.messages import LoggedDelivery
from services.notifications.domain.presentation import Presenter
from services.notifications.domain.views import Language

_EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")
_ANSWER_WANTED = ("critical", "warning")


def webhook_id(delivery: LoggedDelivery) -> str:
    return f"msg_{delivery.id.hex}"


def _example_host(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == domain or host.endswith(f".{domain}") for domain in _EXAMPLE_DOMAINS)


class DeliveryAttempts:
    def __init__(
        self,
        *,
        config: RoutingConfig,
        presenter: Presenter,
        links: AckLinks,
        link_lifetime: timedelta,
        language: Language,
        grafana_url: str,
        email: EmailChannel,
        http_timeout: float,
    ) -> None:
        self._config = config
        self._presenter = presenter
        self._links = links
        self._link_lifetime = link_lifetime
        self._language: Language = language
        self._grafana_url = grafana_url
        self._email = email
        self._http_timeout = http_timeout
        self._http: httpx.AsyncClient | None = None

    @asynccontextmanager
    async def connected(self) -> AsyncIterator["DeliveryAttempts"]:
        """The attempts with an HTTP client of its own for webhooks and Teams, closed after."""
        async with httpx.AsyncClient(timeout=self._http_timeout) as http:
            self._http = http
            try:
                yield self
            finally:
                self._http = None

    def message(self, delivery: LoggedDelivery) -> Message:
        views = [self._presenter.view(n) for n in delivery.notifications]
        return render(
            views,
            language=self._language,
            grafana_url=self._grafana_url,
            ack_url=self._ack_url(delivery),
        )

    def _ack_url(self, delivery: LoggedDelivery) -> str | None:
        # Only what wants an answer gets a link: an answer stops its repeats and escalation.
        wanted = [n.key for n in delivery.notifications if n.severity in _ANSWER_WANTED]
        if not wanted:
            return None
        target = (
            AckTarget("notification", wanted[0])
            if len(delivery.notifications) == 1
            else AckTarget("delivery", str(delivery.id))
        )
        return self._links.url(target, delivery.planned_at + self._link_lifetime)

    async def attempt(self, delivery: LoggedDelivery) -> DeliveryResult:
        # A message may tell a hundred notifications: rendered in a thread, the event loop
        # goes on with the consumer and the scrapes meanwhile.
        message = await asyncio.to_thread(self.message, delivery)
        if delivery.channel == "email":
            return await self._email.send(message, list(delivery.recipients), key=str(delivery.id))
        (url,) = delivery.recipients
        if self._http is None:
            raise RuntimeError("the attempts are not connected")
        if _example_host(url):
            return DeliveryResult("permanent", f"{url} is an example address that reaches nobody")
        if delivery.channel == "teams":
            return await TeamsChannel(self._http).send(url, message)
        secret = self._webhook_secret(delivery.receiver, url)
        if secret is None:
            return DeliveryResult("permanent", "the webhook is no longer in the routing file")
        return await WebhookChannel(self._http).send(url, secret, message, webhook_id(delivery))

    def _webhook_secret(self, receiver: str, url: str) -> str | None:
        point = self._config.contact_points.get(receiver)
        hooks = point.webhooks if point is not None else ()
        return next(
            (hook.secret.get_secret_value() for hook in hooks if str(hook.url) == url), None
        )
