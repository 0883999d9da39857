"""An activity is registered only where it counts: at a place its commitment's target names.

Accepted and then counted towards nothing is the worst answer a partner can get: the visit
"vanishes" and a gap notification says it never happened. So where a target names places
(coverage of meeting places or classes, dated occurrences), a reported place must be one of
them, matched as `shared.promises.places` says, and is registered in the promise's spelling,
the one the KPIs count by. A completed activity of a coverage target must name its place.
"""

from typing import TypeVar

from services.activities.domain.catalogue import Placement
from shared.contracts.cloudevents import CloudEvent
from shared.contracts.errors import InvalidEvent
from shared.contracts.events import (
    ActivityCancelled,
    ActivityCompleted,
    ActivityScheduled,
    EventData,
)
from shared.promises.places import canonical_place, counted_places, place_required

PLACED = (ActivityCompleted, ActivityScheduled, ActivityCancelled)
Data = TypeVar("Data", bound=EventData)


def settle_place(event: CloudEvent, data: Data, placement: Placement) -> tuple[CloudEvent, Data]:
    """The event and its data with the place as the promise names it; InvalidEvent if none."""
    if not isinstance(data, PLACED):
        return event, data
    commitment = placement.commitment
    names = counted_places(commitment)
    if not names:
        return event, data
    listed = "; ".join(names)
    if data.place is None:
        if isinstance(data, ActivityCompleted) and place_required(commitment):
            raise InvalidEvent.single(
                "data.place", f"is required: {commitment.id} counts visits at {listed}"
            )
        return event, data
    canonical = canonical_place(placement.promise, commitment, data.place)
    if canonical is None:
        raise InvalidEvent.single(
            "data.place",
            f"{data.place!r} is none of the places {commitment.id} counts: {listed}"
            " (case and surrounding spaces do not matter; the promise may list other names)",
        )
    if canonical == data.place:
        return event, data
    settled = event.model_copy(update={"data": {**event.data, "place": canonical}})
    return settled, data.model_copy(update={"place": canonical})  # type: ignore[return-value]
