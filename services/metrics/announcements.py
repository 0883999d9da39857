"""KPI changes as the CloudEvents the notifications service consumes (`lofte.metrics.v1`)."""

from datetime import datetime

from services.metrics.domain import changes as domain
from services.metrics.domain.kpis import PromiseKpis, Span
from shared.contracts.cloudevents import (
    SPEC_VERSION,
    CloudEvent,
)
from shared.contracts.events import EventData
from shared.contracts.kpi_events import (
    METRICS_SOURCE,
    CommitmentStatusChanged,
    CoverageGap,
    OccurrenceMissed,
    OutcomeChanged,
    PeriodSpan,
)
from shared.messaging.outbox_rows import OutgoingRecord
from shared.promises import Promise


def contract_event(change: domain.KpiChange, promise: Promise, kpis: PromiseKpis) -> EventData:
    match change:
        case domain.CommitmentStatusChanged():
            kpi = kpis.commitment(change.commitment)
            return CommitmentStatusChanged(
                promise=promise.id,
                commitment=change.commitment,
                focus_area=change.focus_area,
                organisations=list(change.responsible),
                old_status=change.old,
                new_status=change.new,
                period=_span(kpi.period) if kpi else _whole(promise, kpis),
                figures=change.figures,
            )
        case domain.OccurrenceMissed():
            return OccurrenceMissed(
                promise=promise.id,
                commitment=change.commitment,
                organisations=list(change.responsible),
                slot=change.slot,
            )
        case domain.CoverageGap():
            return CoverageGap(
                promise=promise.id,
                commitment=change.commitment,
                organisations=list(change.responsible),
                dimensions=change.dimensions,
                period=_span(change.period),
                days_left=change.days_left,
            )
        case domain.OutcomeChanged():
            return OutcomeChanged(
                promise=promise.id,
                indicator=change.indicator,
                organisations=list(promise.organisation_ids),
                old_status=change.old_status,
                new_status=change.new_status,
                value=change.value,
                comparison_value=change.comparison_value,
                change_ratio=change.change_ratio,
                good=change.good,
            )
    raise TypeError(f"unknown KPI change {change!r}")


def record_for(
    change: domain.KpiChange,
    promise: Promise,
    kpis: PromiseKpis,
    topic: str,
    event_id: str,
    at: datetime,
) -> OutgoingRecord:
    data = contract_event(change, promise, kpis)
    subject = data.commitment_id() or getattr(data, "indicator", promise.id)
    event = CloudEvent(
        specversion=SPEC_VERSION,
        id=event_id,
        source=METRICS_SOURCE,
        type=data.TYPE,
        time=at,
        subject=subject,
        data=data.model_dump(mode="json"),
    )
    return OutgoingRecord.of(event, topic)


def _span(span: Span) -> PeriodSpan:
    return PeriodSpan(start=span.start, end=span.end)


def _whole(promise: Promise, kpis: PromiseKpis) -> PeriodSpan:
    return PeriodSpan(start=promise.valid_from, end=kpis.at.date())
