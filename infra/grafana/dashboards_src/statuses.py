"""Commitment and outcome statuses as the dashboards show them.

The metrics service reports a status as one series per possible status; the
`...:status:code` recording rules (infra/prometheus/rules/kpis.yml) turn that into one number,
and the mappings here turn the number back into a Swedish word and a colour.
"""

from grafana_foundation_sdk.builders import common as common_builders
from grafana_foundation_sdk.builders import stat, statetimeline
from grafana_foundation_sdk.models import common as common_models
from grafana_foundation_sdk.models.dashboard import (
    DynamicConfigValue,
    ValueMap,
    ValueMapping,
    ValueMappingResult,
)

from dashboards_src.common import panel
from shared.contracts.kpis import Status

# The codes of the `...:status:code` recording rules in infra/prometheus/rules/kpis.yml, with
# the Swedish names the notifications use (services/notifications/channels/i18n.py).
STATUSES: dict[int, tuple[str, str, str]] = {
    0: ("unknown", "Okänd", "text"),
    1: (Status.AWAITING_DATA, "Inväntar data", "text"),
    2: (Status.NOT_STARTED, "Ej påbörjat", "blue"),
    3: (Status.MISSED, "Missat", "dark-red"),
    4: (Status.BEHIND, "Efter", "red"),
    5: (Status.AT_RISK, "Riskerar att missas", "orange"),
    6: (Status.ON_TRACK, "I fas", "green"),
    7: (Status.ACHIEVED, "Uppnått", "dark-green"),
    8: (Status.NOT_PURSUED, "Medvetet avstått", "purple"),
}


def status_mappings() -> list[ValueMapping]:
    return [
        ValueMap(
            {
                str(code): ValueMappingResult(text=text, color=color, index=code)
                for code, (_, text, color) in STATUSES.items()
            }
        )
    ]


def status_overrides(panel: stat.Panel) -> stat.Panel:
    """Series named by status id (`on-track`) shown with the status's Swedish name and colour."""
    for status, text, color in STATUSES.values():
        panel = panel.override_by_name(
            status,
            [
                DynamicConfigValue("displayName", text),
                DynamicConfigValue("color", {"mode": "fixed", "fixedColor": color}),
            ],
        )
    return panel


def status_timeline_panel(title: str, description: str) -> statetimeline.Panel:
    return (
        panel(statetimeline.Panel, title, description)
        .mappings(status_mappings())
        .show_value(common_models.VisibilityMode.NEVER)
        .merge_values(True)
        .legend(common_builders.VizLegendOptions().show_legend(False))
    )
