"""The contract, privacy and promise rules every reported event must pass."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.activities.domain.catalogue import Catalogue, Placement
from services.activities.domain.places import settle_place
from shared.contracts.cloudevents import CloudEvent
from shared.contracts.errors import InvalidEvent, Problem, validate_each
from shared.contracts.events import CommitmentEvent, EventData, parse_data
from shared.privacy.personnummer import contains_personnummer, fields_with_personnummer

MAX_AHEAD = timedelta(days=1)
PERSONNUMMER = (
    "carries a personal identity number (personnummer or samordningsnummer); "
    "Löfte counts events and must never learn who took part"
)


@dataclass(frozen=True, slots=True)
class AcceptedEvent:
    event: CloudEvent
    data: EventData
    placement: Placement | None

    @property
    def organisations(self) -> list[str]:
        return list(self.data.organisations) if isinstance(self.data, CommitmentEvent) else []


def accept(
    event: CloudEvent, now: datetime, catalogue: Catalogue, *, screened: bool = False
) -> AcceptedEvent:
    """Check an event against the contract and the promises; set its partition subject.

    Events about a commitment take the commitment as their subject, so that everything about
    one commitment stays in order on one partition. A place is registered as the promise
    spells it (`settle_place`), or refused where it would count for nothing. Incidents and
    survey results may predate a promise: they are what its outcomes are compared with.
    `screened`: the text the event came in was found to hold no personal identity number
    (`text_is_clean`).
    """
    if not screened:
        refuse_personal_data(event)
    data = parse_data(event)
    if event.time > now + MAX_AHEAD:
        raise InvalidEvent.single("time", "is more than a day in the future")
    if not isinstance(data, CommitmentEvent):
        return AcceptedEvent(event, data, None)
    placement = catalogue.place(data.commitment, event.time, data.promise)
    strangers = [o for o in data.organisations if o not in placement.commitment.responsible]
    if strangers:
        raise InvalidEvent.single(
            "data.organisations",
            f"not responsible for {data.commitment}: {', '.join(strangers)}"
            f" (responsible: {', '.join(placement.commitment.responsible)})",
        )
    if event.subject is not None and event.subject != data.commitment:
        raise InvalidEvent.single(
            "subject", f"must be the commitment ({data.commitment}) when given"
        )
    event, settled = settle_place(event, data, placement)
    return AcceptedEvent(event.model_copy(update={"subject": data.commitment}), settled, placement)


def refuse_personal_data(event: CloudEvent) -> None:
    problems = [
        Problem(name, PERSONNUMMER)
        for name in ("id", "source", "type", "subject", "dataschema")
        if (text := getattr(event, name)) is not None and contains_personnummer(text)
    ]
    problems.extend(
        Problem(f"data.{path}", PERSONNUMMER) for path in fields_with_personnummer(event.data)
    )
    if problems:
        raise InvalidEvent(problems)


def accept_all(
    events: list[CloudEvent], now: datetime, catalogue: Catalogue, *, screened: bool = False
) -> list[AcceptedEvent]:
    """All or nothing: every event's problems are reported, each at its index."""
    return validate_each(events, lambda event: accept(event, now, catalogue, screened=screened))
