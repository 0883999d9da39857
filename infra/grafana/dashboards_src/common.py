"""What every Löfte dashboard shares: the datasource, queries, panels and variables.

Panels are built with grafana-foundation-sdk; `panel` fixes what all of ours have in common
(a Swedish title, a description in both languages, the Prometheus datasource by uid) and one
helper per kind adds what every panel of that kind has, so that a dashboard module reads as a
list of questions and the PromQL that answers them.
"""

from collections.abc import Callable
from typing import TypeVar

from grafana_foundation_sdk.builders import (
    bargauge,
    dashboard,
    prometheus,
    stat,
    statetimeline,
    table,
    timeseries,
)
from grafana_foundation_sdk.builders import common as common_builders
from grafana_foundation_sdk.models import common as common_models
from grafana_foundation_sdk.models.dashboard import (
    DashboardCursorSync,
    DashboardLinkType,
    DataSourceRef,
    DataTransformerConfig,
    DynamicConfigValue,
    Threshold,
    ThresholdsMode,
    VariableRefresh,
    VariableSort,
)
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

# The uid Grafana's provisioning gives the Prometheus datasource (provisioning/datasources).
DATASOURCE = DataSourceRef(type_val="prometheus", uid="prometheus")
TAG = "lofte"

# Column headings for the labels the services use.
LABEL_NAMES = {
    "commitment": "Åtagande",
    "focus_area": "Fokusområde",
    "organisation": "Organisation",
    "indicator": "Utfallsmått",
    "category": "Kategori",
    "channel": "Kanal",
}


def new_dashboard(uid: str, title: str, description: str) -> dashboard.Dashboard:
    """A dashboard linked to the others by tag; the last day, refreshed every 30 s."""
    return (
        dashboard.Dashboard(title)
        .uid(uid)
        .description(description)
        .tags([TAG])
        .editable()
        .time("now-24h", "now")
        .timezone("browser")
        .refresh("30s")
        .tooltip(DashboardCursorSync.CROSSHAIR)
        .annotations([])
        .link(
            dashboard.DashboardLink("Löfte")
            .type(DashboardLinkType.DASHBOARDS)
            .tags([TAG])
            .as_dropdown(True)
            .include_vars(True)
            .keep_time(True)
        )
    )


def variable(
    name: str, label: str, query: str, *, multi: bool = True, all_value: str | None = ".*"
) -> dashboard.QueryVariable:
    """A variable filled from `label_values(selector, label)`; multi-valued ones offer "All".

    `all_value=None` lets Grafana spell "All" as the alternation of the values it found.
    """
    built = (
        dashboard.QueryVariable(name)
        .label(label)
        .datasource(DATASOURCE)
        .query(query)
        .refresh(VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(VariableSort.ALPHABETICAL_ASC)
        .multi(multi)
        .include_all(multi)
    )
    if multi and all_value is not None:
        built = built.all_value(all_value)
    return built


def promise_variable(metric: str) -> dashboard.QueryVariable:
    return variable("promise", "Löfte", f"label_values({metric}, promise)", multi=False)


def per_second(metric: str, selector: str, by: str) -> str:
    """A counter's rate, summed `by` some labels."""
    return f"sum by ({by}) (rate({metric}{{{selector}}}[$__rate_interval]))"


def quantile(q: float, histogram: str, selector: str, by: str) -> str:
    """The `q` quantile of a histogram, per `by`."""
    return f"histogram_quantile({q}, {per_second(f'{histogram}_bucket', selector, f'{by}, le')})"


def series(expr: str, legend: str, ref: str = "A") -> prometheus.Dataquery:
    """A range query, for panels that draw time."""
    return prometheus.Dataquery().expr(expr).legend_format(legend).ref_id(ref).range()


def latest(expr: str, legend: str = "", ref: str = "A") -> prometheus.Dataquery:
    """An instant query, for panels that show where things stand now."""
    query = prometheus.Dataquery().expr(expr).ref_id(ref).instant()
    return query.legend_format(legend) if legend else query


def rows(expr: str, ref: str) -> prometheus.Dataquery:
    """An instant query as a table: one row per series, labels as columns."""
    return latest(expr, ref=ref).format(PromQueryFormat.TABLE)


Panel = TypeVar(
    "Panel", timeseries.Panel, stat.Panel, bargauge.Panel, table.Panel, statetimeline.Panel
)


def panel(kind: Callable[[], Panel], title: str, description: str) -> Panel:
    """A panel of `kind` as all of ours are: titled, described, reading Prometheus."""
    return kind().title(title).description(description).datasource(DATASOURCE)


def timeseries_panel(title: str, description: str, unit: str = "short") -> timeseries.Panel:
    return (
        panel(timeseries.Panel, title, description)
        .unit(unit)
        .legend(
            common_builders.VizLegendOptions()
            .display_mode(common_models.LegendDisplayMode.LIST)
            .placement(common_models.LegendPlacement.BOTTOM)
            .show_legend(True)
        )
        .tooltip(
            common_builders.VizTooltipOptions()
            .mode(common_models.TooltipDisplayMode.MULTI)
            .sort(common_models.SortOrder.DESCENDING)
        )
    )


def _last_value() -> common_builders.ReduceDataOptions:
    """What a panel showing one figure per series shows: its last value."""
    return common_builders.ReduceDataOptions().calcs(["lastNotNull"]).values(False)


def stat_panel(title: str, description: str, unit: str = "short") -> stat.Panel:
    return (
        panel(stat.Panel, title, description)
        .unit(unit)
        .reduce_options(_last_value())
        .text_mode(common_models.BigValueTextMode.VALUE_AND_NAME)
        .color_mode(common_models.BigValueColorMode.BACKGROUND)
        .graph_mode(common_models.BigValueGraphMode.NONE)
        .orientation(common_models.VizOrientation.AUTO)
    )


def bars_panel(title: str, description: str, unit: str = "short") -> bargauge.Panel:
    return (
        panel(bargauge.Panel, title, description)
        .unit(unit)
        .reduce_options(_last_value())
        .orientation(common_models.VizOrientation.HORIZONTAL)
        .display_mode(common_models.BarGaugeDisplayMode.GRADIENT)
    )


def table_panel(title: str, description: str, columns: dict[str, str]) -> table.Panel:
    """Instant queries merged into one row per series; `columns` renames "Value #<ref>"."""
    hidden = {"Time": True, "job": True, "instance": True, "promise": True}
    renamed = {**LABEL_NAMES, **{f"Value #{ref}": name for ref, name in columns.items()}}
    return (
        plain_table_panel(title, description)
        .with_transformation(DataTransformerConfig(id_val="merge", options={}))
        .with_transformation(
            DataTransformerConfig(
                id_val="organize",
                options={
                    "excludeByName": hidden,
                    "renameByName": renamed,
                },
            )
        )
    )


def plain_table_panel(title: str, description: str) -> table.Panel:
    """A table with its header; the transformations that lay its rows out are the caller's."""
    return panel(table.Panel, title, description).show_header(True)


def thresholds(*steps: tuple[float | None, str]) -> dashboard.ThresholdsConfig:
    """Colours from each value up; the first step's value is None (from minus infinity)."""
    return (
        dashboard.ThresholdsConfig()
        .mode(ThresholdsMode.ABSOLUTE)
        .steps([Threshold(value, color) for value, color in steps])
    )


def share() -> dashboard.ThresholdsConfig:
    """How far along a share is: red below half, orange below 80 %, green from there."""
    return thresholds((None, "red"), (0.5, "orange"), (0.8, "green"))


def alarming_from(value: float, color: str = "red") -> dashboard.ThresholdsConfig:
    """Green while a count of trouble stays below `value`."""
    return thresholds((None, "green"), (value, color))


def colour_cells() -> DynamicConfigValue:
    """Table cells filled with their value's colour (thresholds or value mappings)."""
    return DynamicConfigValue(
        "custom.cellOptions", {"type": "color-background", "mode": "gradient"}
    )
