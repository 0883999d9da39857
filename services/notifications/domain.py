"""What the notifications service knows of a KPI event. Pure: no I/O."""

from dataclasses import dataclass

from shared.contracts.cloudevents import CloudEvent
from shared.contracts.events import EventData


@dataclass(frozen=True, slots=True)
class KpiEvent:
    envelope: CloudEvent
    data: EventData
