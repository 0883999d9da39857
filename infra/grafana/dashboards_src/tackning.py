"""Täckning: how much of a coverage commitment each organisation has covered.

A coverage commitment is a matrix (organisation × meeting place × month, say); the metrics
service reports the share of its started cells each organisation covered. A commitment
without an organisation dimension (the classes of `kontakt-forskoleklass-ak5`) has no such
ratio yet, so nothing here shows it; Löftet has its progress.
"""

from grafana_foundation_sdk.builders import dashboard
from grafana_foundation_sdk.models.dashboard import DataTransformerConfig, DynamicConfigValue

from dashboards_src.common import (
    bars_panel,
    colour_cells,
    latest,
    new_dashboard,
    plain_table_panel,
    promise_variable,
    rows,
    series,
    share,
    timeseries_panel,
    variable,
)

UID = "lofte-tackning"
TITLE = "Täckning"

SELECTED = 'promise="$promise", commitment=~"$commitment", organisation=~"$organisation"'


def build() -> dashboard.Dashboard:
    board = (
        new_dashboard(
            UID,
            TITLE,
            "Täckningsåtagandena per organisation. / The coverage commitments by organisation.",
        )
        .with_variable(promise_variable("lofte_coverage_ratio"))
        .with_variable(
            variable(
                "commitment",
                "Åtagande",
                'label_values(lofte_coverage_ratio{promise="$promise"}, commitment)',
            )
        )
        .with_variable(
            variable(
                "organisation",
                "Organisation",
                'label_values(lofte_coverage_ratio{promise="$promise", '
                'commitment=~"$commitment"}, organisation)',
            )
        )
    )
    board = board.with_panel(
        bars_panel(
            "Täckning per organisation",
            "Medel över de valda åtagandena. / Mean over the selected commitments.",
            "percentunit",
        )
        .with_target(
            latest(
                f"avg by (organisation) (lofte_coverage_ratio{{{SELECTED}}})", "{{organisation}}"
            )
        )
        .thresholds(share())
        .min(0)
        .max(1)
        .height(8)
    )
    board = board.with_panel(
        bars_panel(
            "Täckta celler",
            "Andel av åtagandets alla celler som är täckta, alla organisationer. / Share of all "
            "the commitment's cells covered, every organisation.",
            "percentunit",
        )
        .with_target(
            latest(
                'lofte_commitment_progress_ratio{promise="$promise", commitment=~"$commitment"}'
                ' and on (promise, commitment) lofte_coverage_ratio{promise="$promise"}',
                "{{commitment}}",
            )
        )
        .thresholds(share())
        .min(0)
        .max(1)
        .height(8)
    )
    board = board.with_panel(
        plain_table_panel(
            "Täckning per åtagande och organisation",
            "En rad per åtagande, en kolumn per organisation. / One row per commitment, one "
            "column per organisation.",
        )
        .with_target(rows(f"lofte_coverage_ratio{{{SELECTED}}}", "A"))
        .with_transformation(
            DataTransformerConfig(
                id_val="groupingToMatrix",
                options={
                    "rowField": "commitment",
                    "columnField": "organisation",
                    "valueField": "Value",
                },
            )
        )
        .unit("percentunit")
        .thresholds(share())
        .min(0)
        .max(1)
        .override_by_regexp("^(?!commitment).*", [colour_cells()])
        .override_by_name(
            "commitment\\organisation", [DynamicConfigValue("displayName", "Åtagande")]
        )
        .span(24)
        .height(8)
    )
    return board.with_panel(
        timeseries_panel(
            "Täckning över tid",
            "Per åtagande och organisation. / By commitment and organisation.",
            "percentunit",
        )
        .with_target(
            series(f"lofte_coverage_ratio{{{SELECTED}}}", "{{commitment}} {{organisation}}")
        )
        .min(0)
        .max(1)
        .span(24)
    )
