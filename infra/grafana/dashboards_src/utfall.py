"""Utfall: the outcomes a promise wants, against what they are compared with.

An outcome's value is for the period to date; its comparison is the same span a year earlier
or the published baseline. Both come as `category="total"` and one series per category.
The notifications link here with `?var-indicator=<id>`, so that variable must stay.
"""

from grafana_foundation_sdk.builders import dashboard
from grafana_foundation_sdk.models.dashboard import DynamicConfigValue

from dashboards_src.common import (
    latest,
    new_dashboard,
    promise_variable,
    rows,
    series,
    stat_panel,
    table_panel,
    timeseries_panel,
    variable,
)
from dashboards_src.statuses import status_mappings, status_timeline_panel

UID = "lofte-utfall"
TITLE = "Utfall"

SELECTED = 'promise="$promise", indicator=~"$indicator"'
TOTAL = f'{SELECTED}, category="total"'
CATEGORIES = f'{SELECTED}, category!="total"'


def build() -> dashboard.Dashboard:
    board = (
        new_dashboard(
            UID,
            TITLE,
            "Löftets utfallsmått mot jämförelsen, totalt och per kategori. / The promise's "
            "outcome indicators against their comparison, in total and by category.",
        )
        .with_variable(promise_variable("lofte_outcome_status"))
        .with_variable(
            variable(
                "indicator",
                "Utfallsmått",
                'label_values(lofte_outcome_status{promise="$promise"}, indicator)',
            )
        )
    )
    board = board.with_row(dashboard.Row("Läget"))
    board = board.with_panel(
        stat_panel(
            "Status per utfallsmått",
            "Om utfallet går åt det håll löftet vill. / Whether the outcome moves the way the "
            "promise wants.",
        )
        .with_target(latest(f"outcome:lofte_outcome_status:code{{{SELECTED}}}", "{{indicator}}"))
        .mappings(status_mappings())
        .span(24)
        .height(5)
    )
    board = board.with_panel(
        timeseries_panel(
            "Utfall mot jämförelse, totalt",
            "Periodens värde hittills och jämförelsevärdet. / The period's value to date and "
            "the comparison value.",
        )
        .with_target(series(f"lofte_outcome_value{{{TOTAL}}}", "{{indicator}} utfall", "A"))
        .with_target(
            series(f"lofte_outcome_comparison_value{{{TOTAL}}}", "{{indicator}} jämförelse", "B")
        )
        .override_by_regexp(
            ".* jämförelse",
            [DynamicConfigValue("custom.lineStyle", {"fill": "dash", "dash": [10, 10]})],
        )
    )
    board = board.with_panel(
        status_timeline_panel(
            "Status över tid",
            "När utfallsmåtten bytte status. / When the outcomes changed status.",
        ).with_target(series(f"outcome:lofte_outcome_status:code{{{SELECTED}}}", "{{indicator}}"))
    )

    board = board.with_row(dashboard.Row("Per kategori"))
    board = board.with_panel(
        table_panel(
            "Utfall per kategori",
            "Kategorierna utfallet räknas i (brottskategorier, åtaganden) mot jämförelsen. / "
            "The categories an outcome counts (crime categories, commitments) against the "
            "comparison.",
            {"A": "Utfall", "B": "Jämförelse", "C": "Skillnad"},
        )
        .with_target(rows(f"lofte_outcome_value{{{CATEGORIES}}}", "A"))
        .with_target(rows(f"lofte_outcome_comparison_value{{{CATEGORIES}}}", "B"))
        .with_target(
            rows(
                f"lofte_outcome_value{{{CATEGORIES}}}"
                f" - lofte_outcome_comparison_value{{{CATEGORIES}}}",
                "C",
            )
        )
        .height(12)
    )
    return board.with_panel(
        timeseries_panel(
            "Utfall per kategori över tid",
            "Periodens värde hittills per kategori. / The period's value to date by category.",
        )
        .with_target(series(f"lofte_outcome_value{{{CATEGORIES}}}", "{{indicator}} {{category}}"))
        .height(12)
    )
