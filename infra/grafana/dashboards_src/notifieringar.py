"""Notifieringar: what the notifications service told whom, what failed and what it held back.

Counters are summed over the dashboard's time range (`$__range`) for the totals and as rates
for the graphs. Suppressed means a silence, a mute timing or an inhibition held a
notification back on purpose; failed means a channel refused it.
"""

from grafana_foundation_sdk.builders import dashboard

from dashboards_src.common import (
    alarming_from,
    latest,
    new_dashboard,
    per_second,
    quantile,
    rows,
    series,
    stat_panel,
    table_panel,
    thresholds,
    timeseries_panel,
    variable,
)

UID = "lofte-notifieringar"
TITLE = "Notifieringar"

ORGANISATION = 'organisation=~"$organisation"'
CHANNEL = 'channel=~"$channel"'
DELIVERY = f"{ORGANISATION}, {CHANNEL}"


def total(metric: str, selector: str, by: str = "") -> str:
    grouping = f" by ({by})" if by else ""
    return f"sum{grouping} (increase({metric}{{{selector}}}[$__range]))"


def latency(q: float) -> str:
    return quantile(q, "lofte_notifications_delivery_latency_seconds", CHANNEL, "channel")


def build() -> dashboard.Dashboard:
    board = (
        new_dashboard(
            UID,
            TITLE,
            "Aviseringar till organisationerna: skickade, misslyckade, undertryckta och "
            "leveranstid. / Notifications to the organisations: sent, failed, suppressed and "
            "delivery latency.",
        )
        .with_variable(
            variable(
                "organisation",
                "Organisation",
                "label_values(lofte_notifications_created_total, organisation)",
            )
        )
        .with_variable(
            variable("channel", "Kanal", "label_values(lofte_notifications_sent_total, channel)")
        )
    )
    for title, metric, selector, colours, description in (
        (
            "Skickade",
            "lofte_notifications_sent_total",
            DELIVERY,
            thresholds((None, "blue")),
            "Levererade. / Delivered.",
        ),
        (
            "Misslyckade",
            "lofte_notifications_failed_total",
            DELIVERY,
            alarming_from(1),
            "Leveranser som kanalen vägrade. / Deliveries the channel refused.",
        ),
        (
            "Nya försök",
            "lofte_notifications_retried_total",
            DELIVERY,
            alarming_from(1, "orange"),
            "Leveranser som försöktes igen. / Deliveries retried.",
        ),
        (
            "Undertryckta",
            "lofte_notifications_suppressed_total",
            ORGANISATION,
            thresholds((None, "blue")),
            "Hållna tillbaka av tystnad, paus eller inhibering. / Held back by a silence, a "
            "mute timing or an inhibition.",
        ),
    ):
        board = board.with_panel(
            stat_panel(title, f"Under vald tidsperiod. {description}")
            .with_target(latest(total(metric, selector), title))
            .thresholds(colours)
            .span(6)
            .height(4)
        )

    board = board.with_panel(
        timeseries_panel(
            "Skapade per typ",
            "Aviseringar som skapats, per typ. / Notifications created, by kind.",
            "cps",
        ).with_target(
            series(
                per_second("lofte_notifications_created_total", ORGANISATION, "kind"), "{{kind}}"
            )
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "Leveranser per kanal",
            "Skickade, misslyckade och nya försök per kanal. / Sent, failed and retried by "
            "channel.",
            "cps",
        )
        .with_target(
            series(
                per_second("lofte_notifications_sent_total", DELIVERY, "channel"),
                "{{channel}} skickade",
                "A",
            )
        )
        .with_target(
            series(
                per_second("lofte_notifications_failed_total", DELIVERY, "channel"),
                "{{channel}} misslyckade",
                "B",
            )
        )
        .with_target(
            series(
                per_second("lofte_notifications_retried_total", DELIVERY, "channel"),
                "{{channel}} nya försök",
                "C",
            )
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "Undertryckta per orsak",
            "Tystnad (silenced), paus (muted) eller inhibering (inhibited). / Silenced, muted "
            "or inhibited.",
            "cps",
        ).with_target(
            series(
                per_second("lofte_notifications_suppressed_total", ORGANISATION, "reason"),
                "{{reason}}",
            )
        )
    )
    board = board.with_panel(
        timeseries_panel(
            "Leveranstid",
            "Från att aviseringen skapades tills kanalen tog emot den, median och 95:e "
            "percentil. / From creation until the channel accepted it, median and 95th "
            "percentile.",
            "s",
        )
        .with_target(series(latency(0.5), "{{channel}} median", "A"))
        .with_target(series(latency(0.95), "{{channel}} p95", "B"))
    )
    return board.with_panel(
        table_panel(
            "Per organisation",
            "Under vald tidsperiod. / Over the selected time range.",
            {"A": "Skickade", "B": "Misslyckade", "C": "Undertryckta"},
        )
        .with_target(rows(total("lofte_notifications_sent_total", DELIVERY, "organisation"), "A"))
        .with_target(rows(total("lofte_notifications_failed_total", DELIVERY, "organisation"), "B"))
        .with_target(
            rows(total("lofte_notifications_suppressed_total", ORGANISATION, "organisation"), "C")
        )
        .span(24)
        .height(8)
    )
