"""What became of one event: the receipts partners and operators ask for.

`AppliedEventView` is what the metrics service answers at `GET /v1/applied/{source}/{id}`
(applied when, counted towards which KPIs); `Receipt` is what the activities service answers
at `GET /v1/events/{source}/{id}`, with the metrics service's part in it. Both services build
or parse these models, so a renamed field fails on both sides. Add fields, never rename one:
a reader passes over fields it does not know, so that the service upgraded first does not
stop the other from answering.
"""

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.kpi_events import PeriodSpan
from shared.contracts.kpis import Moment


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class KpiCounted(_View):
    """One KPI an event counts towards: a commitment or an outcome indicator of a promise, in
    one of its periods; `as` is `value` where it counts in that period's figure, `comparison`
    where it is what that period is compared with (the same span a year earlier)."""

    promise: str
    kind: Literal["commitment", "indicator"]
    id: str
    period: PeriodSpan
    counts_as: Literal["value", "comparison"] = Field(alias="as")

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class AppliedEventView(_View):
    """The metrics service's account of one event it applied."""

    source: str
    id: str
    type: str
    applied_at: Moment
    counts_towards: list[KpiCounted] = Field(
        description="by the promises' rules as loaded now; empty once retracted, and for a "
        "retraction itself"
    )
    retracted_by: str | None = Field(
        default=None, description="the id of the `event.retracted` that took this event back"
    )
    retracts: str | None = Field(default=None, description="for a retraction: the event's id")


class ReceiptStatus(StrEnum):
    """How far the event got, the furthest step first known."""

    REFUSED = "refused"
    REGISTERED = "registered"
    PUBLISHED = "published"
    APPLIED = "applied"
    RETRACTED = "retracted"


class Registered(_View):
    at: Moment
    type: str
    register_seq: int = Field(
        description="the event's place in the register's order: its record on the domain topic "
        "carries the same number in the `lofte-register-seq` header"
    )
    channel: Literal["http", "kafka"]
    reported_by: str | None = Field(description="the organisation whose key sent it over HTTP")
    promise: str | None = None
    commitment: str | None = None


class Published(_View):
    topic: str
    at: Moment | None = Field(description="null for events published before times were kept")


class Retracted(_View):
    by: str = Field(description="the id of the `event.retracted` of the same source")
    at: Moment = Field(description="when the retraction was registered")


class DeadLetter(_View):
    topic: str
    source_topic: str
    partition: int
    offset: int


class Refused(_View):
    at: Moment
    channel: Literal["http", "kafka"]
    status: int | None = Field(description="the HTTP status the sender got; null over Kafka")
    reason: str
    dead_letter: DeadLetter | None = Field(default=None, description="where Kafka parked it")


class Unknown(_View):
    """A part of the receipt that could not be learnt just now."""

    part: Literal["applied"]
    detail: str


class Receipt(_View):
    source: str
    id: str
    status: ReceiptStatus
    registered: Registered | None = None
    published: Published | None = None
    applied: AppliedEventView | None = None
    retracted: Retracted | None = None
    retracts: str | None = Field(default=None, description="for a retraction: the event's id")
    refused: Refused | None = Field(
        default=None,
        description="the latest refusal; an event registered before or after it stays registered",
    )
    unknown: list[Unknown] = Field(default_factory=list)
