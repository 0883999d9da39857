"""The public site's own Prometheus series."""

from collections.abc import Callable
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge

from services.public.domain.snapshot import Snapshot


class PublicMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.fetches = Counter(
            "lofte_public_kpi_reads_total",
            "Reads of a promise's KPIs from the metrics service, by outcome (read, failed)",
            ["outcome"],
            registry=registry,
        )
        self.age = Gauge(
            "lofte_public_figures_age_seconds",
            "How old the figures the site shows for a promise are",
            ["promise"],
            registry=registry,
        )

    def watch_ages(
        self,
        promise_ids: list[str],
        latest: Callable[[str], Snapshot | None],
        clock: Callable[[], datetime],
    ) -> None:
        """The age is worked out when scraped, so it grows while nothing is read."""
        for promise_id in promise_ids:

            def age(promise_id: str = promise_id) -> float:
                snapshot = latest(promise_id)
                return snapshot.age(clock()).total_seconds() if snapshot else float("nan")

            self.age.labels(promise=promise_id).set_function(age)
