"""Each event about a commitment counts only for the promise it belongs to.

Promises deployed side by side may share commitment ids: rounds of one promise, or another
area's copy of Lund's. An event belongs where `shared.promises.place` puts it, by the rule
the activities service accepted it by: in the promise it names, or, naming none, in the
one promise in force at its time that holds its commitment. An event no promise takes any
more (the promises deployed have changed since) counts nowhere rather than twice.

Placement reads an event's time only as the day it fell on in each candidate promise's
zone. Where those zones are the log's own, a day's facts all share one placement, so the
facts are decided a day at a time, by bisection, instead of one by one.
"""

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from services.metrics.domain.facts import DAY, Fact, Group
from shared.contracts.events import EventData
from shared.promises import Promise, placed_in

D = TypeVar("D", bound=EventData)


class Belonging:
    """The facts that count for `promise` (a `facts.Selection`), among the `promises`
    deployed with it; `promise` alone when none are given."""

    def __init__(self, promise: Promise, promises: Iterable[Promise] = ()) -> None:
        self._promise = promise
        self._deployed = (promise, *(p for p in promises if p.id != promise.id))
        self._commitments = frozenset(c.id for c in promise.commitments)
        self._holders: dict[str, tuple[Promise, ...]] = {}

    def wants(self, group: Group) -> bool:
        commitment, named = group
        return commitment in self._commitments and named in (None, self._promise.id)

    def select(self, group: Group, facts: Sequence[Fact[Any]]) -> Sequence[Fact[Any]]:
        if not facts:
            return facts
        commitment, named = group
        holders = self._holders.get(commitment)
        if holders is None:
            holders = tuple(p for p in self._deployed if p.commitment(commitment) is not None)
            self._holders[commitment] = holders

        def counts(fact: Fact[Any]) -> bool:
            return placed_in(holders, commitment, fact.time, named) == self._promise.id

        zone = facts[0].time.tzinfo
        if all(p.zone == zone for p in holders):
            return by_day(facts, counts)
        return [fact for fact in facts if counts(fact)]


def by_day(facts: Sequence[Fact[D]], counts: Callable[[Fact[D]], bool]) -> Sequence[Fact[D]]:
    """The facts of the days whose first fact `counts`; `facts` in day order."""
    runs: list[Sequence[Fact[D]]] = []
    start: int | None = None  # where the run of days taken so far began
    index = 0
    while index < len(facts):
        next_day = bisect_right(facts, facts[index].day, lo=index, key=DAY)
        if not counts(facts[index]):
            if start is not None:
                runs.append(facts[start:index])
            start = None
        elif start is None:
            start = index
        index = next_day
    if start == 0:
        return facts  # every day counts: the usual case, without a copy
    if start is not None:
        runs.append(facts[start:])
    return [fact for run in runs for fact in run]
