"""Composition root of the notifications service.

Run it with `python -m services.notifications` (or `uvicorn --factory
services.notifications.main:create_app`). Nothing connects at import time. The clock is a
parameter, so tests can run the service at any moment of a promise's life.

Four parts share the database: the consumer (KPI events → notifications), the scheduler
(reminders, digests → notifications), the dispatcher (notifications → planned deliveries)
and the sender (delivery log → mail, webhooks, Teams).
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI

from services.notifications import SCHEMA, SERVICE, subscribers
from services.notifications.ack_links import AckLinks
from services.notifications.api import ApiParts
from services.notifications.api import router as notifications_router
from services.notifications.channels import EmailChannel
from services.notifications.courier import Courier
from services.notifications.dispatcher import Dispatcher
from services.notifications.handlers import ReceiveKpiEvents
from services.notifications.presentation import Presenter
from services.notifications.routing_api import router as routing_router
from services.notifications.scheduler import Scheduler
from services.notifications.sender import RetryPolicy, Sender
from services.notifications.settings import NotificationsSettings, load_routing
from services.notifications.state_store import StateStore
from services.notifications.telemetry import NotificationMetrics
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
        courier = Courier(
            config=config,
            presenter=Presenter(promises),
            links=links,
            link_lifetime=settings.ack_link_lifetime,
            language=settings.language,
            grafana_url=settings.grafana_url,
            email=EmailChannel(settings.smtp),
            http_timeout=settings.send_timeout_seconds,
        )
        sender = Sender(
            pool=parts.pool,
            dsn=str(settings.database_url),
            schema=SCHEMA,
            courier=courier,
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
        dispatcher = Dispatcher(
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
            admitted=dispatcher.admitted,
            store=store,
        )
        subscribers.subscribe(parts, receive, settings)
        scheduler = Scheduler(
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
            admitted=dispatcher.admitted,
            rounds=metrics.schedule_rounds,
            store=store,
        )
        parts.app.state.notifications = ApiParts(config, clock, links, dispatcher.wake)
        parts.background.extend((dispatcher.run, sender.run, scheduler.run))

    spec = ServiceSpec(
        name=SERVICE,
        schema=SCHEMA,
        migrations=MIGRATIONS,
        title="Löfte notifications",
        description="Tells the organisations responsible when a promise slips: routed, "
        "grouped, held back by silences, mute timings and inhibition, repeated and escalated "
        "until acknowledged, delivered by email, signed webhooks and Teams.",
        routers=[notifications_router, routing_router],
        wire=wire,
        relays_outbox=False,
    )
    return build_app(spec, settings)
