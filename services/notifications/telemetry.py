"""The notifications service's Prometheus series.

Labels are bounded by the promises and the routing file (organisation, kind, channel,
reason); never a notification key or an address. Every organisation of the loaded promises
has its children created at start, so a dashboard shows 0 rather than "no data" before the
first notification, and `rate()` sees the first increase.
"""

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram

from services.notifications.domain import KINDS
from services.notifications.domain.messages import CHANNELS

SUPPRESSION_REASONS = ("silenced", "muted", "inhibited")


class NotificationMetrics:
    def __init__(self, registry: CollectorRegistry, organisations: Iterable[str]) -> None:
        self.created = Counter(
            "lofte_notifications_created_total",
            "Notifications made (one per organisation told), by kind.",
            ["organisation", "kind"],
            registry=registry,
        )
        self.sent = Counter(
            "lofte_notifications_sent_total",
            "Messages delivered, by channel and organisation.",
            ["channel", "organisation"],
            registry=registry,
        )
        self.failed = Counter(
            "lofte_notifications_failed_total",
            "Messages given up: a permanent failure, or temporary ones for too long.",
            ["channel", "organisation"],
            registry=registry,
        )
        self.retried = Counter(
            "lofte_notifications_retried_total",
            "Temporary delivery failures that were scheduled for another attempt.",
            ["channel", "organisation"],
            registry=registry,
        )
        self.suppressed = Counter(
            "lofte_notifications_suppressed_total",
            "Notifications held back when due, counted once per reason they were held for.",
            ["reason", "organisation"],
            registry=registry,
        )
        self.latency = Histogram(
            "lofte_notifications_delivery_latency_seconds",
            "From a notification's creation to its first delivery, per channel.",
            ["channel"],
            registry=registry,
            buckets=(1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600, 86400),
        )
        self.schedule_rounds = Counter(
            "lofte_notifications_schedule_rounds_total",
            "Rounds of the scheduler (reminders and digests) completed; flat means stalled.",
            registry=registry,
        )
        for organisation in sorted(set(organisations)):
            for kind in KINDS:
                self.created.labels(organisation, kind)
            for channel in CHANNELS:
                for counter in (self.sent, self.failed, self.retried):
                    counter.labels(channel, organisation)
            for reason in SUPPRESSION_REASONS:
                self.suppressed.labels(reason, organisation)
        for channel in CHANNELS:
            self.latency.labels(channel)
