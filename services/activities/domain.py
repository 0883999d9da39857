"""What the activities service accepts. Pure rules: no I/O, the time of day passed in."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.contracts.cloudevents import CloudEvent
from shared.contracts.errors import InvalidEvent, validate_each
from shared.contracts.events import CommitmentEvent, EventData, parse_data

MAX_AHEAD = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class AcceptedEvent:
    event: CloudEvent
    data: EventData

    @property
    def organisations(self) -> list[str]:
        return list(self.data.organisations) if isinstance(self.data, CommitmentEvent) else []


def accept(event: CloudEvent, now: datetime) -> AcceptedEvent:
    """Check an event against the contract; return it with its partition subject set.

    Events about a commitment take the commitment as their subject, so that everything about
    one commitment stays in order on one partition.
    """
    data = parse_data(event)
    if event.time > now + MAX_AHEAD:
        raise InvalidEvent.single("time", "is more than a day in the future")
    commitment = data.commitment_id()
    if commitment is not None:
        if event.subject is not None and event.subject != commitment:
            raise InvalidEvent.single(
                "subject", f"must be the commitment ({commitment}) when given"
            )
        event = event.model_copy(update={"subject": commitment})
    return AcceptedEvent(event, data)


def accept_all(events: list[CloudEvent], now: datetime) -> list[AcceptedEvent]:
    """All or nothing: every event's problems are reported, each at its index."""
    return validate_each(events, lambda event: accept(event, now))
