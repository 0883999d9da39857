"""Pipeline: whether events flow from the partners through the three services.

Per service (Prometheus job): is it up, how many records its consumer applies, how long a
batch takes, how far behind it is, what it dead-letters, and what fails. Topic names carry
TOPIC_NAMESPACE, so panels group by topic rather than name one.
"""

from grafana_foundation_sdk.builders import dashboard
from grafana_foundation_sdk.models.dashboard import ValueMap, ValueMappingResult

from dashboards_src.common import (
    alarming_from,
    latest,
    new_dashboard,
    per_second,
    quantile,
    series,
    stat_panel,
    timeseries_panel,
    variable,
)

UID = "lofte-pipeline"
TITLE = "Pipeline"

SERVICE = 'job=~"$service"'


def or_zero(expr: str) -> str:
    """Zero per service for a counter that exists only once something failed.

    faststream labels its exception counters by exception type, so they cannot be created
    at zero ahead of the first exception; without this the panel would say "No data" exactly
    when all is well.
    """
    return f"{expr} or sum by (job) (0 * up{{{SERVICE}}})"


def build() -> dashboard.Dashboard:
    board = new_dashboard(
        UID,
        TITLE,
        "Flödet partner → activities → metrics → notifications: genomströmning, batchtid, "
        "eftersläpning, döda brev och fel per tjänst. / Throughput, batch latency, lag, dead "
        "letters and errors per service.",
    ).with_variable(
        # No custom "All": Grafana then matches exactly the services found, not Prometheus.
        variable("service", "Tjänst", 'label_values(up{job!="prometheus"}, job)', all_value=None)
    )
    board = board.with_row(dashboard.Row("Tjänsterna"))
    board = board.with_panel(
        stat_panel("Uppe", "Om Prometheus når tjänsten. / Whether Prometheus reaches it.")
        .with_target(latest(f"up{{{SERVICE}}}", "{{job}}"))
        .mappings(
            [
                ValueMap(
                    {
                        "0": ValueMappingResult(text="Nere", color="red", index=0),
                        "1": ValueMappingResult(text="Uppe", color="green", index=1),
                    }
                )
            ]
        )
        .span(8)
        .height(5)
    )
    board = board.with_panel(
        stat_panel(
            "Döda brev",
            "Poster som parkerats på dead letter-ämnet under vald tidsperiod. / Records "
            "dead-lettered over the selected time range.",
        )
        .with_target(
            latest(
                "sum by (job) (increase(lofte_consumer_records_total"
                f'{{{SERVICE}, outcome="dead_letter"}}[$__range]))',
                "{{job}}",
            )
        )
        .thresholds(alarming_from(1))
        .span(8)
        .height(5)
    )
    board = board.with_panel(
        stat_panel(
            "Väntar i outbox",
            "Poster som ännu inte publicerats till Kafka. / Records not yet published to Kafka.",
        )
        .with_target(latest(f"sum by (job) (lofte_outbox_pending_records{{{SERVICE}}})", "{{job}}"))
        .thresholds(alarming_from(100, "orange"))
        .span(8)
        .height(5)
    )

    board = board.with_row(dashboard.Row("Konsumenterna"))
    board = board.with_panel(
        timeseries_panel(
            "Genomströmning",
            "Poster per sekund per ämne och utfall (applied, duplicate, dead_letter). / "
            "Records per second by topic and outcome.",
            "cps",
        ).with_target(
            series(
                f"job_topic_outcome:lofte_consumer_records:rate1m{{{SERVICE}}}",
                "{{job}} {{topic}} {{outcome}}",
            )
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "Batchtid",
            "Från mottagen batch till genomförd transaktion, median och 95:e percentil. / "
            "From receiving a batch to committing its effect.",
            "s",
        )
        .with_target(
            series(
                quantile(0.5, "lofte_consumer_batch_duration_seconds", SERVICE, "job, topic"),
                "{{job}} {{topic}} median",
                "A",
            )
        )
        .with_target(
            series(
                quantile(0.95, "lofte_consumer_batch_duration_seconds", SERVICE, "job, topic"),
                "{{job}} {{topic}} p95",
                "B",
            )
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "Eftersläpning",
            "Poster kvar på ämnet efter den senast behandlade. / Records on the topic after the "
            "last one processed.",
        ).with_target(series(f"job_topic:lofte_consumer_lag:sum{{{SERVICE}}}", "{{job}} {{topic}}"))
    )
    board = board.with_panel(
        timeseries_panel(
            "Döda brev och databasförsök",
            "Parkerade poster och batcher som försöktes igen för att databasen inte svarade, "
            "per minut. / Dead-lettered records and batches retried because the database was "
            "unreachable, per minute.",
            "cpm",
        )
        .with_target(
            series(
                f"60 * job_topic:lofte_consumer_dead_letters:rate1m{{{SERVICE}}}",
                "{{job}} {{topic}} döda brev",
                "A",
            )
        )
        .with_target(
            series(
                "60 * "
                + per_second("lofte_consumer_database_retries_total", SERVICE, "job, topic"),
                "{{job}} {{topic}} databasförsök",
                "B",
            )
        )
    )

    board = board.with_row(dashboard.Row("Kafka och outbox"))
    board = board.with_panel(
        timeseries_panel(
            "Meddelanden",
            "Mottagna per konsument och publicerade per ämne (faststream), och skickade från "
            "outbox. / Received per handler, published per destination, and relayed from the "
            "outbox.",
            "cps",
        )
        .with_target(
            series(
                per_second("faststream_received_messages_total", SERVICE, "job, handler"),
                "{{job}} mottog {{handler}}",
                "A",
            )
        )
        .with_target(
            series(
                per_second("faststream_published_messages_total", SERVICE, "job, destination"),
                "{{job}} publicerade {{destination}}",
                "B",
            )
        )
        .with_target(
            series(
                per_second("lofte_outbox_published_records_total", SERVICE, "job"),
                "{{job}} skickade från outbox",
                "C",
            )
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "Fel per tjänst",
            "Undantag vid hantering och publicering, och misslyckade outbox-publiceringar. / "
            "Exceptions while handling and publishing, and failed outbox publishes.",
            "cps",
        )
        .with_target(
            series(
                or_zero(
                    per_second(
                        "faststream_received_processed_messages_exceptions_total", SERVICE, "job"
                    )
                ),
                "{{job}} hantering",
                "A",
            )
        )
        .with_target(
            series(
                or_zero(
                    per_second("faststream_published_messages_exceptions_total", SERVICE, "job")
                ),
                "{{job}} publicering",
                "B",
            )
        )
        .with_target(
            series(
                per_second("lofte_outbox_publish_failures_total", SERVICE, "job"),
                "{{job}} outbox",
                "C",
            )
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "Hanteringstid",
            "faststreams tid per meddelande eller batch, 95:e percentil. / faststream's time "
            "per message or batch, 95th percentile.",
            "s",
        ).with_target(
            series(
                quantile(
                    0.95,
                    "faststream_received_processed_messages_duration_seconds",
                    SERVICE,
                    "job, handler",
                ),
                "{{job}} {{handler}}",
            )
        )
    )
    return board.with_panel(
        timeseries_panel(
            "Outbox",
            "Publicerade poster per sekund. / Records published per second.",
            "cps",
        ).with_target(series(f"job:lofte_outbox_published_records:rate1m{{{SERVICE}}}", "{{job}}"))
    )
