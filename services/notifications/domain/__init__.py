"""The notifications service's rules. Pure: no I/O, no clock; the time is passed in.

From a KPI event to a message in someone's inbox, in the manner of Prometheus
Alertmanager: `notifications_for` makes one notification per responsible organisation;
`route` finds its receivers in the routing file (`config`); `receive` puts it in its
groups; `plan` decides what goes out when, held back by silences, inhibition and mute
timings, repeated and escalated until someone acknowledges it.
"""

from services.notifications.domain.config import (
    DEFAULT_ROUTING_FILE,
    ContactPoint,
    Escalation,
    InhibitRule,
    Route,
    RoutingConfig,
    RoutingFileError,
    Teams,
    Webhook,
    load_routing_text,
)
from services.notifications.domain.durations import format_duration, parse_duration
from services.notifications.domain.events import KpiEvent
from services.notifications.domain.matchers import Matcher, matches_all
from services.notifications.domain.notifications import (
    KINDS,
    LABEL_NAMES,
    Kind,
    Notification,
    Severity,
    notification_key,
    notifications_for,
    severity_of,
)
from services.notifications.domain.planner import plan
from services.notifications.domain.routing import (
    Match,
    dry_run,
    route,
    route_by_id,
    routes_by_id,
)
from services.notifications.domain.state import (
    Acknowledgement,
    Delivery,
    DeliveryReason,
    DispatchState,
    GroupState,
    PendingNotification,
    Plan,
    SentCritical,
    Suppressed,
    SuppressionReason,
)
from services.notifications.domain.suppression import Silence, active_silence, inhibited
from services.notifications.domain.timeintervals import (
    TimeInterval,
    TimeRange,
    TimeSpec,
    is_muted,
    muted_until,
)
from services.notifications.domain.transitions import (
    acknowledge,
    drop,
    receive,
    record_delivery,
)

__all__ = [
    "DEFAULT_ROUTING_FILE",
    "KINDS",
    "LABEL_NAMES",
    "Acknowledgement",
    "ContactPoint",
    "Delivery",
    "DeliveryReason",
    "DispatchState",
    "Escalation",
    "GroupState",
    "InhibitRule",
    "Kind",
    "KpiEvent",
    "Match",
    "Matcher",
    "Notification",
    "PendingNotification",
    "Plan",
    "Route",
    "RoutingConfig",
    "RoutingFileError",
    "SentCritical",
    "Severity",
    "Silence",
    "Suppressed",
    "SuppressionReason",
    "Teams",
    "TimeInterval",
    "TimeRange",
    "TimeSpec",
    "Webhook",
    "acknowledge",
    "active_silence",
    "drop",
    "dry_run",
    "format_duration",
    "inhibited",
    "is_muted",
    "load_routing_text",
    "matches_all",
    "muted_until",
    "notification_key",
    "notifications_for",
    "parse_duration",
    "plan",
    "receive",
    "record_delivery",
    "route",
    "route_by_id",
    "routes_by_id",
    "severity_of",
]
