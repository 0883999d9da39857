"""What the notifications service knows of a KPI event: its envelope and its typed data.

The data is one of the KPI contract's models (`shared.contracts.kpi_events`), already
upcast to the current schema version by whoever decoded it.
"""

from dataclasses import dataclass

from shared.contracts.cloudevents import CloudEvent
from shared.contracts.events import EventData


@dataclass(frozen=True, slots=True)
class KpiEvent:
    envelope: CloudEvent
    data: EventData
