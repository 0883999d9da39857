"""The events the partners send during a chaos test: years of Lund as the partner simulator
plays them (duplicates, late reports, retractions and refused reports included), a few
simulated partners' worth, in an order shuffled by the test's seed so that this year's
events, which move the KPIs, come all through the stream rather than at its end."""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from services.activities.domain import Catalogue, Forbidden, accept, authorize
from shared.contracts.cloudevents import parse_structured
from shared.contracts.errors import InvalidEvent
from shared.promises import default_promises
from simulator.lund import SOURCES
from simulator.stream import LUND, events_between

Event = dict[str, Any]
REPORTER = {source: organisation for organisation, source in SOURCES.items()}
# Lund's promise holds from 1 March 2017; the simulator's partners report from then on.
FIRST_DAY = datetime(2017, 3, 1, tzinfo=LUND)


@dataclass
class Events:
    """What the partners send, and which of it the rules refuse."""

    sent: list[Event] = field(default_factory=list)
    refused: list[Event] = field(default_factory=list)

    @property
    def valid(self) -> list[Event]:
        refused = {identity(event) for event in self.refused}
        return [event for event in self.sent if identity(event) not in refused]

    def dealt(self, hands: int) -> list["Events"]:
        """The events dealt in turn to `hands` partners, each keeping which of its own the
        rules refuse: one partner for each instance of the ingest."""
        refusing = {identity(event) for event in self.refused}
        parts = [Events() for _ in range(hands)]
        for index, event in enumerate(self.sent):
            part = parts[index % hands]
            part.sent.append(event)
            if identity(event) in refusing:
                part.refused.append(event)
        return parts


def identity(event: Event) -> tuple[str, str]:
    return (event["source"], event["id"])


def reporter(event: Event) -> str:
    return REPORTER[event["source"]]


def partner_events(seeds: range, rng: random.Random) -> Events:
    """Every simulated partner's events from the promise's first day until now, shuffled."""
    now = datetime.now(UTC)
    catalogue = Catalogue(default_promises())
    events = Events()
    for seed in seeds:
        for document in events_between(FIRST_DAY, now, seed):
            events.sent.append(document)
            if not acceptable(document, now, catalogue):
                events.refused.append(document)
    rng.shuffle(events.sent)
    return events


def acceptable(document: Event, now: datetime, catalogue: Catalogue) -> bool:
    """Whether the activities service's rules accept the event from its reporter."""
    try:
        accepted = accept(parse_structured(document), now, catalogue)
        authorize(accepted, reporter(document), catalogue)
    except (InvalidEvent, Forbidden):
        return False
    return True
