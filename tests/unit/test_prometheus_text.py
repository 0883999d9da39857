"""The services' /metrics text is exactly what prometheus_client would write, scrape after
scrape, whatever the series hold: Prometheus and every dashboard read it."""

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Enum,
    Gauge,
    Histogram,
    Info,
    Summary,
    disable_created_metrics,
    enable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeHistogramMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from shared.prometheus_text import RegistryText


class Timestamped(Collector):
    def collect(self) -> list[GaugeMetricFamily | GaugeHistogramMetricFamily]:
        gauge = GaugeMetricFamily("lofte_seen", "With a time.", labels=["kind"])
        gauge.add_metric(["a"], 2.0, timestamp=1_700_000_000.25)
        queue = GaugeHistogramMetricFamily("lofte_queue", "Waiting, by age.")
        queue.add_metric([], [("1.0", 3.0), ("+Inf", 5.0)], gsum_value=4.5)
        return [gauge, queue]


def every_kind_of_series() -> tuple[CollectorRegistry, Counter, Gauge]:
    registry = CollectorRegistry()
    sent = Counter(
        "lofte_sent", "Messages.\nSecond line with a \\ backslash.", ["channel"], registry=registry
    )
    sent.labels('tea"m\\s\nline').inc(3)
    sent.labels("email").inc(1234567)
    level = Gauge("lofte_level", "A level.", ["organisation", "area"], registry=registry)
    level.labels("räddningstjänsten", "Lund").set(float("nan"))
    level.labels("polisen", "Lund").set(float("-inf"))
    level.labels("kommunen", "Lund").set(1e-7)
    Gauge("lofte_unlabelled", "No labels.", registry=registry).set(float("inf"))
    latency = Histogram("lofte_latency_seconds", "Latency.", ["topic"], registry=registry)
    latency.labels("t").observe(0.3)
    latency.labels("t").observe(12)
    Summary("lofte_size_bytes", "Sizes.", registry=registry).observe(512)
    Info("lofte_build", "Build.", registry=registry).info({"version": "1.2.3"})
    Enum("lofte_mode", "Mode.", states=["up", "down"], registry=registry).state("down")
    registry.register(Timestamped())
    return registry, sent, level


def test_the_text_is_prometheus_client_s_own() -> None:
    registry, _, _ = every_kind_of_series()

    assert RegistryText(registry)() == generate_latest(registry)


def test_the_text_follows_the_series_from_scrape_to_scrape() -> None:
    registry, sent, level = every_kind_of_series()
    text = RegistryText(registry)
    text()

    sent.labels("email").inc(2)
    sent.labels("webhook").inc()
    level.remove("polisen", "Lund")

    assert text() == generate_latest(registry)
    assert b'lofte_sent_total{channel="webhook"} 1.0\n' in text()
    assert b"polisen" not in text()


def test_created_series_are_written_as_prometheus_client_writes_them() -> None:
    enable_created_metrics()  # type: ignore[no-untyped-call]  # unannotated upstream
    try:
        registry, _, _ = every_kind_of_series()
        assert RegistryText(registry)() == generate_latest(registry)
    finally:
        disable_created_metrics()  # type: ignore[no-untyped-call]


def test_a_name_the_format_cannot_show_as_it_is_is_left_to_prometheus_client() -> None:
    registry = CollectorRegistry()
    Gauge("lofte_level", "A level.", ["organisation.name"], registry=registry).labels("x").set(1)

    assert RegistryText(registry)() == generate_latest(registry)
