"""The promises the service knows, and which of them an event's commitment belongs to."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from shared.contracts.errors import InvalidEvent
from shared.promises.model import Commitment, Promise


@dataclass(frozen=True, slots=True)
class Placement:
    promise: Promise
    commitment: Commitment


class Catalogue:
    def __init__(self, promises: Sequence[Promise]) -> None:
        self.promises = tuple(promises)
        self.parties = frozenset(org for p in self.promises for org in p.organisation_ids)

    def get(self, promise_id: str) -> Promise | None:
        return next((p for p in self.promises if p.id == promise_id), None)

    def place(self, commitment_id: str, at: datetime, promise_id: str | None = None) -> Placement:
        """The promise and commitment an event reports on, valid at the time it happened.

        Rounds of a promise may reuse a commitment's id; the event's time (or an explicit
        `promise` in its data) tells them apart.
        """
        candidates = [
            Placement(p, c)
            for p in self.promises
            if (promise_id is None or p.id == promise_id)
            and (c := p.commitment(commitment_id)) is not None
        ]
        if not candidates:
            where = f" in promise {promise_id}" if promise_id else ""
            raise InvalidEvent.single("data.commitment", f"unknown commitment{where}")
        valid = [
            c
            for c in candidates
            if c.promise.is_valid_on(at.astimezone(ZoneInfo(c.promise.timezone)).date())
        ]
        if not valid:
            spans = "; ".join(f"{c.promise.id} from {c.promise.valid_from}" for c in candidates)
            raise InvalidEvent.single("time", f"is outside the promise's validity ({spans})")
        if len(valid) > 1:
            raise InvalidEvent.single(
                "data.promise", "the commitment is in several promises: name the promise"
            )
        return valid[0]
