"""Which promise an event about a commitment belongs to: one rule for every service.

Several promises may be deployed side by side (rounds of one promise, another area's copy),
and they may share commitment ids. An event belongs to the promise it names in
`data.promise`; naming none, to the one promise in force at the event's time that holds its
commitment. The activities service refuses an event this cannot place, and the metrics
service counts each event only in the promise placed here, so that the two always agree.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from shared.contracts.errors import InvalidEvent
from shared.promises.model import Commitment, Promise


@dataclass(frozen=True, slots=True)
class Placement:
    promise: Promise
    commitment: Commitment


def place(
    promises: Iterable[Promise], commitment_id: str, at: datetime, promise_id: str | None = None
) -> Placement:
    """The promise and commitment an event reports on, in force at `at`, when it happened.

    Rounds of a promise may reuse a commitment's id; the event's time (or an explicit
    `promise_id`, the event's `data.promise`) tells them apart. Raises `InvalidEvent`, with
    the field to blame, when no promise or more than one would take the event.
    """
    candidates = [
        Placement(p, c)
        for p in promises
        if (promise_id is None or p.id == promise_id)
        and (c := p.commitment(commitment_id)) is not None
    ]
    if not candidates:
        where = f" in promise {promise_id}" if promise_id else ""
        raise InvalidEvent.single("data.commitment", f"unknown commitment{where}")
    # Each promise's own time zone says which of its days the event fell on.
    valid = [c for c in candidates if c.promise.is_valid_on(at.astimezone(c.promise.zone).date())]
    if not valid:
        spans = "; ".join(f"{c.promise.id} from {c.promise.valid_from}" for c in candidates)
        raise InvalidEvent.single("time", f"is outside the promise's validity ({spans})")
    if len(valid) > 1:
        raise InvalidEvent.single(
            "data.promise", "the commitment is in several promises: name the promise"
        )
    return valid[0]


def placed_in(
    promises: Iterable[Promise], commitment_id: str, at: datetime, promise_id: str | None = None
) -> str | None:
    """The id of the promise `place` puts the event in; None where it would refuse it."""
    try:
        return place(promises, commitment_id, at, promise_id).promise.id
    except InvalidEvent:
        return None
