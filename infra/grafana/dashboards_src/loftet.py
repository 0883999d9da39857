"""Löftet: where every commitment of a promise stands, for the people who made it.

The metrics service labels commitments by promise and focus area but not by organisation, so
the organisation filter joins on `commitment:lofte_commitment_responsible:info` (one series
per commitment and responsible organisation, infra/prometheus/rules/responsibilities.yml).
The notifications link here with `?var-commitment=<id>`, so that variable must stay.
"""

from grafana_foundation_sdk.builders import dashboard
from grafana_foundation_sdk.models.dashboard import DynamicConfigValue

from dashboards_src.common import (
    bars_panel,
    colour_cells,
    latest,
    new_dashboard,
    promise_variable,
    rows,
    series,
    share,
    stat_panel,
    table_panel,
    thresholds,
    timeseries_panel,
    variable,
)
from dashboards_src.statuses import status_mappings, status_overrides, status_timeline_panel

UID = "lofte-loftet"
TITLE = "Löftet"

SELECTED = 'promise="$promise", focus_area=~"$focus_area", commitment=~"$commitment"'
RESPONSIBLE = (
    "commitment:lofte_commitment_responsible:info"
    '{promise="$promise", organisation=~"$organisation"}'
)


def selected(metric: str, condition: str = "") -> str:
    """`metric` for the commitments the variables select, organisation included.

    A `condition` (say `== 1`) goes before the join: `and` binds more loosely than `==`.
    """
    filtered = f"{metric}{{{SELECTED}}} {condition}".rstrip()
    return f"{filtered} and on (promise, commitment) {RESPONSIBLE}"


def build() -> dashboard.Dashboard:
    board = new_dashboard(
        UID,
        TITLE,
        "Hur varje åtagande i löftet står sig just nu. / Where each commitment of the promise "
        "stands now.",
    )
    for each in (
        promise_variable("lofte_commitment_status"),
        variable(
            "organisation",
            "Organisation",
            'label_values(commitment:lofte_commitment_responsible:info{promise="$promise"}, '
            "organisation)",
        ),
        variable(
            "focus_area",
            "Fokusområde",
            'label_values(lofte_commitment_status{promise="$promise"}, focus_area)',
        ),
        variable(
            "commitment",
            "Åtagande",
            'label_values(lofte_commitment_status{promise="$promise", '
            'focus_area=~"$focus_area"}, commitment)',
        ),
    ):
        board = board.with_variable(each)

    board = board.with_row(dashboard.Row("Läget"))
    board = board.with_panel(
        status_overrides(
            stat_panel(
                "Åtaganden per status",
                "Antal åtaganden i varje status. / Number of commitments in each status.",
            )
        )
        .with_target(
            latest(
                f"count by (status) ({selected('lofte_commitment_status', '== 1')})", "{{status}}"
            )
        )
        .span(24)
        .height(4)
    )
    board = board.with_panel(
        table_panel(
            "Åtaganden",
            "Status, gjort, mål och var åtagandet borde vara nu (förväntat); missade tillfällen "
            "för återkommande åtaganden. / Status, done, target, expected by now and missed "
            "slots.",
            {
                "A": "Status",
                "B": "Gjort",
                "C": "Mål",
                "D": "Förväntat nu",
                "E": "Missade tillfällen",
            },
        )
        .with_target(rows(selected("commitment:lofte_commitment_status:code"), "A"))
        .with_target(rows(selected("lofte_commitment_done"), "B"))
        .with_target(rows(selected("lofte_commitment_target"), "C"))
        .with_target(rows(selected("lofte_commitment_expected"), "D"))
        .with_target(rows(selected("lofte_commitment_missed_slots"), "E"))
        .override_by_name(
            "Status", [DynamicConfigValue("mappings", status_mappings()), colour_cells()]
        )
        .override_by_name("Förväntat nu", [DynamicConfigValue("decimals", 1)])
        .span(24)
        .height(12)
    )

    board = board.with_row(dashboard.Row("Framsteg"))
    board = board.with_panel(
        bars_panel(
            "Andel av målet",
            "Gjort delat med målet för perioden. / Done divided by the period's target.",
            "percentunit",
        )
        .with_target(latest(selected("lofte_commitment_progress_ratio"), "{{commitment}}"))
        .thresholds(share())
        .min(0)
        .max(1)
        .height(12)
    )
    board = board.with_panel(
        bars_panel(
            "Takt mot förväntat",
            "Gjort delat med förväntat hittills; under 100 % ligger efter takten målet kräver. "
            "/ Done divided by expected by now; below 100 % is behind the pace the target "
            "needs.",
            "percentunit",
        )
        .with_target(latest(selected("commitment:lofte_commitment_pace:ratio"), "{{commitment}}"))
        .thresholds(thresholds((None, "red"), (0.8, "orange"), (1, "green")))
        .min(0)
        .max(1.5)
        .height(12)
    )
    board = board.with_panel(
        timeseries_panel(
            "Gjort, mål och förväntat",
            "Över tid, per åtagande. / Over time, per commitment.",
        )
        .with_target(series(selected("lofte_commitment_done"), "{{commitment}} gjort", "A"))
        .with_target(series(selected("lofte_commitment_target"), "{{commitment}} mål", "B"))
        .with_target(series(selected("lofte_commitment_expected"), "{{commitment}} förväntat", "C"))
    )
    board = board.with_panel(
        bars_panel(
            "Missade tillfällen",
            "Tillfällen som återkommande åtaganden har missat i perioden. / Slots missed by "
            "recurring commitments this period.",
        )
        .with_target(latest(selected("lofte_commitment_missed_slots"), "{{commitment}}"))
        .min(0)
    )

    board = board.with_row(dashboard.Row("Historik"))
    return board.with_panel(
        status_timeline_panel(
            "Status över tid",
            "När åtagandena bytte status. / When the commitments changed status.",
        )
        .with_target(series(selected("commitment:lofte_commitment_status:code"), "{{commitment}}"))
        .span(24)
        .height(12)
    )
