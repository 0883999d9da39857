"""Events and instants for the KPI engine's tests, on the shipped Lund 2017 promise.

Times are Lund's local times unless a test says otherwise, as an operator reads them.
"""

import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.metrics.domain.engine import evaluate
from services.metrics.domain.facts import KnownEvent
from services.metrics.domain.kpis import CommitmentKpi, OutcomeKpi, PromiseKpis
from shared.contracts.cloudevents import parse_structured
from shared.contracts.events import parse_data
from shared.promises import Promise, default_promise

LUND_TIME = ZoneInfo("Europe/Stockholm")
POLISEN = "urn:lofte:partner:polisen"
KOMMUNEN = "urn:lofte:partner:kommunen"


def lund() -> Promise:
    promise = default_promise("lund-2017")
    assert promise is not None
    return promise


def changed_commitment(commitment_id: str, **target: Any) -> Promise:
    """Lund 2017 with one commitment's target changed, e.g. given a due date."""
    document = lund().model_dump()
    for commitment in document["commitments"]:
        if commitment["id"] == commitment_id:
            commitment["target"].update(target)
    return Promise.model_validate(document)


def changed_indicator(indicator_id: str, **fields: Any) -> Promise:
    document = lund().model_dump()
    for indicator in document["outcome_indicators"]:
        if indicator["id"] == indicator_id:
            indicator.update(fields)
    return Promise.model_validate(document)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LUND_TIME)


def known(document: dict[str, Any]) -> KnownEvent:
    envelope = parse_structured(document)
    return KnownEvent(envelope, parse_data(envelope))


def envelope(
    kind: str, when: datetime, data: dict[str, Any], *, source: str, event_id: str | None
) -> KnownEvent:
    return known(
        {
            "specversion": "1.0",
            "id": event_id or str(uuid.uuid4()),
            "source": source,
            "type": kind,
            "time": when.isoformat(),
            "data": data,
        }
    )


def activity(
    commitment: str,
    when: datetime,
    *,
    organisations: tuple[str, ...] = ("kommunen", "polisen"),
    place: str | None = None,
    youths: int | None = None,
    source: str = POLISEN,
    event_id: str | None = None,
    promise: str | None = None,
) -> KnownEvent:
    data: dict[str, Any] = {"commitment": commitment, "organisations": list(organisations)}
    if promise is not None:
        data["promise"] = promise
    if place is not None:
        data["place"] = place
    if youths is not None:
        data["participants"] = {"youths": youths}
    return envelope("activity.completed", when, data, source=source, event_id=event_id)


def incident(
    category: str, when: datetime, *, count: int = 1, age_band: str = "under-25"
) -> KnownEvent:
    data = {"category": category, "age_band": age_band, "count": count}
    return envelope("incident.recorded", when, data, source=POLISEN, event_id=None)


def survey(indicator: str, start: date, end: date, value: float, when: datetime) -> KnownEvent:
    data = {
        "indicator": indicator,
        "area": "Lunds kommun",
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "value": value,
    }
    return envelope("survey.published", when, data, source=POLISEN, event_id=None)


def deliverable(commitment: str, when: datetime, title: str = "Klotterfoldern") -> KnownEvent:
    data = {"commitment": commitment, "organisations": ["kommunen"], "title": title}
    return envelope("deliverable.completed", when, data, source=KOMMUNEN, event_id=None)


def explanation(
    commitment: str,
    when: datetime,
    period: tuple[date, date],
    kind: str = "comment",
    text: str = "Volontärerna behövdes vid skolstarten.",
    organisations: tuple[str, ...] = ("polisen",),
) -> KnownEvent:
    data = {
        "commitment": commitment,
        "organisations": list(organisations),
        "period": {"start": period[0].isoformat(), "end": period[1].isoformat()},
        "kind": kind,
        "text": text,
    }
    return envelope("explanation.published", when, data, source=POLISEN, event_id=None)


def retraction(
    of: KnownEvent, when: datetime, *, source: str | None = None, event_id: str | None = None
) -> KnownEvent:
    data = {"event_id": of.envelope.id, "reason": "fel commitment angivet"}
    return envelope(
        "event.retracted", when, data, source=source or of.envelope.source, event_id=event_id
    )


def commitment_at(
    commitment_id: str,
    events: list[KnownEvent],
    at: datetime,
    promise: Promise | None = None,
    period_of: date | None = None,
) -> CommitmentKpi:
    kpis = evaluate(promise or lund(), events, at, period_of=period_of)
    return commitment_of(kpis, commitment_id)


def commitment_of(kpis: PromiseKpis, commitment_id: str) -> CommitmentKpi:
    kpi = kpis.commitment(commitment_id)
    assert kpi is not None
    return kpi


def outcome_at(
    indicator_id: str, events: list[KnownEvent], at: datetime, promise: Promise | None = None
) -> OutcomeKpi:
    kpi = evaluate(promise or lund(), events, at).outcome(indicator_id)
    assert kpi is not None
    return kpi
