"""Events as partner systems would send them, with unique ids per call."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from shared.contracts.cloudevents import CloudEvent, parse_structured


def activity_completed(
    commitment: str = "sno-mote",
    *,
    organisations: tuple[str, ...] = ("polisen", "kommunen"),
    time: datetime | None = None,
    source: str = "urn:lofte:partner:polisen-test",
    event_id: str | None = None,
    **data: Any,
) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": event_id or str(uuid.uuid4()),
        "source": source,
        "type": "activity.completed",
        "time": (time or datetime(2017, 3, 6, 9, 0, tzinfo=UTC)).isoformat(),
        "datacontenttype": "application/json",
        "data": {"commitment": commitment, "organisations": list(organisations), **data},
    }


def incident_recorded(category: str = "narkotika.bruk", **data: Any) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "urn:lofte:partner:polisen-test",
        "type": "incident.recorded",
        "time": datetime(2017, 4, 2, 22, 15, tzinfo=UTC).isoformat(),
        "data": {"category": category, "age_band": "under-25", **data},
    }


def event(document: dict[str, Any]) -> CloudEvent:
    return parse_structured(document)


def deliverable_completed(
    commitment: str = "klotter-folder",
    *,
    organisations: tuple[str, ...] = ("polisen",),
    time: datetime | None = None,
    title: str = "Folder om klotter för fastighetsägare",
) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "urn:lofte:partner:polisen-test",
        "type": "deliverable.completed",
        "time": (time or datetime(2017, 9, 1, 10, tzinfo=UTC)).isoformat(),
        "data": {"commitment": commitment, "organisations": list(organisations), "title": title},
    }


def explanation_published(
    commitment: str,
    period: tuple[date, date],
    *,
    kind: str = "not-pursued",
    text: str = "Volontärerna behövdes vid skolstarten; insatserna görs i vår i stället.",
    organisations: tuple[str, ...] = ("polisen",),
    time: datetime,
) -> dict[str, Any]:
    """What the organisations say about a commitment's period (end excluded)."""
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "urn:lofte:partner:polisen-test",
        "type": "explanation.published",
        "time": time.isoformat(),
        "data": {
            "commitment": commitment,
            "organisations": list(organisations),
            "period": {"start": period[0].isoformat(), "end": period[1].isoformat()},
            "kind": kind,
            "text": text,
        },
    }


def event_retracted(of: dict[str, Any], *, time: datetime) -> dict[str, Any]:
    """The retraction of `of` by its own source."""
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": of["source"],
        "type": "event.retracted",
        "time": time.isoformat(),
        "data": {"event_id": of["id"], "reason": "fel period angiven"},
    }
