"""The promises the service knows, and which of them an event's commitment belongs to."""

from collections.abc import Sequence
from datetime import datetime

from shared.promises.model import Promise
from shared.promises.placement import Placement, place

__all__ = ["Catalogue", "Placement"]


class Catalogue:
    def __init__(self, promises: Sequence[Promise]) -> None:
        self.promises = tuple(promises)
        self.parties = frozenset(org for p in self.promises for org in p.organisation_ids)

    def get(self, promise_id: str) -> Promise | None:
        return next((p for p in self.promises if p.id == promise_id), None)

    def place(self, commitment_id: str, at: datetime, promise_id: str | None = None) -> Placement:
        """The promise and commitment an event reports on, valid at the time it happened,
        by the rule the metrics service counts the event by (`shared.promises.placement`)."""
        return place(self.promises, commitment_id, at, promise_id)
