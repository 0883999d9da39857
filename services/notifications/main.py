"""Composition root of the notifications service.

Run it with `python -m services.notifications` (or `uvicorn --factory
services.notifications.main:create_app`). Nothing connects at import time. The clock is a
parameter, so tests can run the service at any moment of a promise's life.

Four parts share the database: the consumer (KPI events → notifications) and three
`workers`: reminders and digests (the calendar → notifications), the delivery planner
(notifications → planned deliveries) and the delivery sender (delivery log → mail,
webhooks, Teams).
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI

from services.notifications import SCHEMA, SERVICE, subscribers
from services.notifications.api import ROUTERS, ApiParts
from services.notifications.channels import EmailChannel
from services.notifications.domain.ack_links import AckLinks
from services.notifications.domain.presentation import Presenter
from services.notifications.handlers import ReceiveKpiEvents
from services.notifications.repository.dispatch_state import StateStore
from services.notifications.settings import NotificationsSettings, load_routing
from services.notifications.telemetry import NotificationMetrics
from services.notifications.workers.delivery_attempts import DeliveryAttempts
from services.notifications.workers.delivery_planner import DeliveryPlanner
from services.notifications.workers.delivery_sender import DeliverySender, RetryPolicy
from services.notifications.workers.reminders_and_digests import RemindersAndDigests
from shared.app import ServiceSpec, Wiring, build_app
from shared.promises import deployed_promises, school_holiday_calendars

MIGRATIONS = Path(__file__).parent / "migrations"


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: NotificationsSettings | None = None, clock: Callable[[], datetime] = utc_now
) -> FastAPI:
    settings = settings or NotificationsSettings()
    config = load_routing(settings.routing_file)
    promises = deployed_promises(settings.promise_files, settings.promises_dir)
    links = AckLinks(settings.ack_secret.get_secret_value().encode(), settings.public_url)

    def wire(parts: Wiring) -> None:
        metrics = NotificationMetrics(
            parts.registry, (org for promise in promises for org in promise.organisation_ids)
        )
        attempts = DeliveryAttempts(
            config=config,
            presenter=Presenter(promises),
            links=links,
            link_lifetime=settings.ack_link_lifetime,
            language=settings.language,
            grafana_url=settings.grafana_url,
            email=EmailChannel(settings.smtp),
            http_timeout=settings.send_timeout_seconds,
        )
        sender = DeliverySender(
            pool=parts.pool,
            dsn=str(settings.database_url),
            schema=SCHEMA,
            attempts=attempts,
            clock=clock,
            metrics=metrics,
            retry=RetryPolicy(
                base=timedelta(seconds=settings.retry_base_seconds),
                max_delay=timedelta(seconds=settings.retry_max_delay_seconds),
                give_up_after=timedelta(hours=settings.retry_give_up_hours),
            ),
            concurrency=settings.sender_concurrency,
            poll_seconds=settings.sender_poll_seconds,
            send_timeout=settings.send_timeout_seconds,
        )
        store = StateStore()  # one for the process: all three share what it holds
        planner = DeliveryPlanner(
            pool=parts.pool,
            config=config,
            clock=clock,
            metrics=metrics,
            retention=settings.state_retention,
            max_interval=settings.dispatcher_max_interval_seconds,
            wake_sender=sender.wake,
            store=store,
        )
        receive = ReceiveKpiEvents(
            config=config,
            focus_areas={c.id: c.focus_area for p in promises for c in p.commitments},
            clock=clock,
            gap_notice_days=settings.gap_notice_days,
            admitted=planner.admitted,
            store=store,
        )
        subscribers.subscribe(parts, receive, settings)
        reminders_and_digests = RemindersAndDigests(
            pool=parts.pool,
            config=config,
            promises=promises,
            calendars=school_holiday_calendars(),
            clock=clock,
            metrics_url=settings.metrics_url,
            metrics_api_key=settings.metrics_api_key.get_secret_value()
            if settings.metrics_api_key
            else None,
            reminder_days=settings.reminder_days,
            digest_time=settings.digest_time,
            digest_catch_up=settings.digest_catch_up,
            interval_seconds=settings.scheduler_interval_seconds,
            admitted=planner.admitted,
            rounds=metrics.schedule_rounds,
            store=store,
        )
        parts.app.state.notifications = ApiParts(config, clock, links, planner.wake)
        parts.background.extend((planner.run, sender.run, reminders_and_digests.run))

    spec = ServiceSpec(
        name=SERVICE,
        schema=SCHEMA,
        migrations=MIGRATIONS,
        title="Löfte notifications",
        description="Tells the organisations responsible when a promise slips: routed, "
        "grouped, held back by silences, mute timings and inhibition, repeated and escalated "
        "until acknowledged, delivered by email, signed webhooks and Teams.",
        routers=list(ROUTERS),
        wire=wire,
        relays_outbox=False,
    )
    return build_app(spec, settings)
