"""A deterministic stream of partner events. Pure: no I/O, no clock.

Every day draws from its own random generator, seeded by the seed and the date, so the
events of a window are the same however the window is cut into pieces. Like real partner
systems it now and then sends an event twice, reports one days late, retracts one and sends a
correction, or sends one that breaks the rules (and is refused).
"""

import math
import random
import uuid
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from simulator import lund

LUND = ZoneInfo("Europe/Stockholm")
NAMESPACE = uuid.UUID("6c1c5a53-2f53-4e0e-9a51-0b7f3c1d2e4f")
MONDAY = 0
LATEST_REPORT_DAYS = 10
DUPLICATE, LATE, RETRACTED, BROKEN = 0.02, 0.03, 0.015, 0.015

Event = dict[str, Any]


def events_between(start: datetime, end: datetime, seed: int) -> Iterator[Event]:
    """The events sent in [start, end), in the order they are sent."""
    sent: list[tuple[datetime, str, Event]] = []
    day = start.astimezone(LUND).date() - timedelta(days=LATEST_REPORT_DAYS)
    while day <= end.astimezone(LUND).date():
        sent.extend((at, event["id"], event) for at, event in _day(day, seed) if start <= at < end)
        day += timedelta(days=1)
    sent.sort(key=lambda entry: entry[:2])
    return (event for _, _, event in sent)


def events_of_day(day: date, seed: int) -> list[Event]:
    """Every event drawn for one day, quirks included, whenever each is sent."""
    return [event for _, event in _day(day, seed)]


def _day(day: date, seed: int) -> list[tuple[datetime, Event]]:
    rng = random.Random(f"{seed}:{day.isoformat()}")
    day_events = _Day(day, rng, seed)
    if day.weekday() == MONDAY and rng.random() < lund.SNO_MEETING_HELD:
        day_events.activity("sno-mote", ("kommunen", "polisen"), time(9), "Polishuset Lund")
    for organisation in lund.ORGANISATIONS:
        for place in lund.MEETING_PLACES:
            if rng.random() < lund.VISITS_PER_PLACE_AND_MONTH / 30:
                day_events.activity("motesplatser-besok", (organisation,), time(19), place)
    for plan in lund.OCCASIONAL:
        if rng.random() < plan.per_year / 365:
            participants = {}
            if plan.youths:
                participants["youths"] = rng.randint(*plan.youths)
            if plan.volunteers:
                participants["volunteers"] = rng.randint(*plan.volunteers)
            day_events.activity(
                plan.commitment, plan.organisations, time(18), plan.place, participants
            )
    for _ in range(_poisson(rng, lund.DRUG_CRIMES_PER_DAY)):
        day_events.incident(_weighted(rng, lund.DRUG_CATEGORIES))
    for _ in range(_poisson(rng, lund.VANDALISM_PER_DAY)):
        day_events.incident(_weighted(rng, lund.VANDALISM_CATEGORIES))
    return day_events.with_partner_quirks()


class _Day:
    def __init__(self, day: date, rng: random.Random, seed: int) -> None:
        self.day = day
        self.rng = rng
        self.seed = seed
        self.events: list[Event] = []

    def _envelope(self, kind: str, source: str, at: datetime, data: Event) -> Event:
        index = len(self.events)
        event_id = uuid.uuid5(NAMESPACE, f"{self.seed}:{self.day.isoformat()}:{index}:{kind}")
        return {
            "specversion": "1.0",
            "id": str(event_id),
            "source": source,
            "type": kind,
            "time": at.isoformat(),
            "datacontenttype": "application/json",
            "data": data,
        }

    def activity(
        self,
        commitment: str,
        organisations: tuple[str, ...],
        start: time,
        place: str,
        participants: dict[str, int] | None = None,
    ) -> None:
        minutes = self.rng.randint(0, 90)
        at = datetime.combine(self.day, start, LUND) + timedelta(minutes=minutes)
        data: Event = {
            "commitment": commitment,
            "organisations": list(organisations),
            "place": place,
        }
        if participants:
            data["participants"] = participants
        source = lund.SOURCES[organisations[0]]
        self.events.append(self._envelope("activity.completed", source, at, data))

    def incident(self, category: str) -> None:
        at = datetime.combine(self.day, time(0), LUND) + timedelta(
            minutes=self.rng.randint(0, 24 * 60 - 1)
        )
        data: Event = {
            "category": category,
            "area": self.rng.choice(lund.AREAS),
            "age_band": "under-25" if category.startswith("narkotika") else "okand",
            "count": 1,
        }
        self.events.append(self._envelope("incident.recorded", lund.SOURCES["polisen"], at, data))

    def with_partner_quirks(self) -> list[tuple[datetime, Event]]:
        """(when it is sent, event): mostly right away, sometimes not quite right."""
        sent: list[tuple[datetime, Event]] = []
        for event in self.events:
            at = datetime.fromisoformat(event["time"])
            if self.rng.random() < LATE:
                at += timedelta(days=self.rng.randint(2, LATEST_REPORT_DAYS))
            sent.append((at, event))
            if event["type"] != "activity.completed":
                continue
            quirk = self.rng.random()
            if quirk < DUPLICATE:
                sent.append((at + timedelta(minutes=5), event))
            elif quirk < DUPLICATE + RETRACTED:
                sent.extend(self._retract_and_correct(at, event))
            elif quirk < DUPLICATE + RETRACTED + BROKEN:
                sent.append((at + timedelta(minutes=1), self._broken(event)))
        return sent

    def _retract_and_correct(self, at: datetime, event: Event) -> list[tuple[datetime, Event]]:
        retraction = {
            **self._envelope(
                "event.retracted",
                event["source"],
                at + timedelta(hours=1),
                {"event_id": event["id"], "reason": "fel antal deltagare angivet"},
            ),
            "id": str(uuid.uuid5(NAMESPACE, f"retraction:{event['id']}")),
        }
        corrected = {
            **event,
            "id": str(uuid.uuid5(NAMESPACE, f"corrected:{event['id']}")),
            # The place stays: a meeting place's visit must still be at one of its places.
            "data": {**event["data"], "notes": "rättad: fel antal deltagare"},
        }
        return [(at + timedelta(hours=1), retraction), (at + timedelta(hours=1), corrected)]

    def _broken(self, event: Event) -> Event:
        """A report naming an organisation that is not a party: the API refuses it."""
        organisations = [*event["data"]["organisations"], "lansstyrelsen"]
        return {
            **event,
            "id": str(uuid.uuid5(NAMESPACE, f"broken:{event['id']}")),
            "data": {**event["data"], "organisations": organisations},
        }


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: plenty for the small daily means here.
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]
