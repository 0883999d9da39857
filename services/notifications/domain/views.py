"""What a message is about, in the shape the templates need: ids resolved to titles already.

The service builds these from KPI events and the promise; the channels only render and send
them. Each kind names the fields it cannot do without, so a view that would render a
half-empty message is refused when it is built, not when a reader sees it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal
from urllib.parse import quote

from services.notifications.domain.notifications import Kind, Severity
from shared.contracts.kpi_events import Status

Language = Literal["sv", "en"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "critical")  # mildest first

COMMITMENT_DASHBOARD = "/d/lofte-loftet"
OUTCOME_DASHBOARD = "/d/lofte-utfall"


def commitment_dashboard_path(commitment_id: str) -> str:
    return f"{COMMITMENT_DASHBOARD}?var-commitment={quote(commitment_id, safe='')}"


def outcome_dashboard_path(indicator_id: str) -> str:
    return f"{OUTCOME_DASHBOARD}?var-indicator={quote(indicator_id, safe='')}"


@dataclass(frozen=True, slots=True)
class Figures:
    """Progress of a counted commitment; `expected` is where it should be by now."""

    done: float
    target: float | None = None
    expected: float | None = None


@dataclass(frozen=True, slots=True)
class OutcomeFigures:
    """An outcome indicator against its comparison (baseline or the year before)."""

    value: float | None
    comparison: float | None
    change_ratio: float | None
    good: bool | None


@dataclass(frozen=True, slots=True)
class DigestLine:
    """One commitment in the weekly digest; `day` is the missed or the due date."""

    title: str
    dashboard_path: str
    status: Status | None = None
    figures: Figures | None = None
    day: date | None = None


@dataclass(frozen=True, slots=True)
class DigestRemark:
    """What was said about a commitment last week: published (`kind` comment, remedy or
    not-pursued) or answering a notification (`acknowledged`), by `who`, on `day`."""

    title: str
    dashboard_path: str
    kind: str
    who: str
    text: str | None
    day: date | None


@dataclass(frozen=True, slots=True)
class DigestOutcome:
    title: str
    dashboard_path: str
    status: Status | None
    outcome: OutcomeFigures


@dataclass(frozen=True, slots=True)
class DigestView:
    """The weekly lägesbild for one organisation; `week_start` is the Monday of "this week"."""

    organisation: str
    promise: str
    week_start: date
    behind: tuple[DigestLine, ...] = ()
    missed_last_week: tuple[DigestLine, ...] = ()
    due_this_week: tuple[DigestLine, ...] = ()
    outcomes: tuple[DigestOutcome, ...] = ()
    said_last_week: tuple[DigestRemark, ...] = ()

    def __post_init__(self) -> None:
        if self.week_start.isoweekday() != 1:
            raise ValueError(f"a digest week starts on a Monday, not on {self.week_start}")

    @property
    def week(self) -> int:
        return self.week_start.isocalendar().week


@dataclass(frozen=True, slots=True)
class NotificationView:
    """One notification to one organisation. `organisation`, `promise` and `title` are the
    names people read; `dashboard_path` is appended to the Grafana base URL."""

    kind: Kind
    organisation: str
    promise: str
    title: str
    dashboard_path: str
    commitment_id: str | None = None
    indicator_id: str | None = None
    severity: Severity = "warning"
    old_status: Status | None = None
    new_status: Status | None = None
    figures: Figures | None = None
    slot: date | None = None
    dimensions: Mapping[str, str] = field(default_factory=dict)
    days_left: int | None = None
    outcome: OutcomeFigures | None = None
    digest: DigestView | None = None

    def __post_init__(self) -> None:
        missing = [name for name in _REQUIRED[self.kind] if getattr(self, name) in (None, "", {})]
        if missing:
            raise ValueError(f"a {self.kind} notification needs {', '.join(missing)}")
        if self.days_left is not None and self.days_left < 0:
            raise ValueError("days_left cannot be negative")
        if not self.dashboard_path.startswith("/"):
            raise ValueError("dashboard_path is a path on the Grafana server, starting with /")

    @classmethod
    def for_digest(cls, digest: DigestView, *, severity: Severity = "info") -> "NotificationView":
        return cls(
            kind="digest",
            organisation=digest.organisation,
            promise=digest.promise,
            title="",
            dashboard_path=COMMITMENT_DASHBOARD,
            severity=severity,
            digest=digest,
        )


_REQUIRED: Mapping[Kind, tuple[str, ...]] = {
    "commitment.status-changed": ("title", "commitment_id", "new_status"),
    "occurrence.missed": ("title", "commitment_id", "slot"),
    "coverage.gap": ("title", "commitment_id", "dimensions", "days_left"),
    "outcome.changed": ("title", "indicator_id", "new_status", "outcome"),
    "reminder": ("title", "commitment_id", "slot", "days_left"),
    "digest": ("digest",),
}
