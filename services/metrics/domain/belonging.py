"""Each event about a commitment counts only for the promise it belongs to.

Promises deployed side by side may share commitment ids: rounds of one promise, or another
area's copy of Lund's. An event belongs where `shared.promises.place` puts it, by the rule
the activities service accepted it by: in the promise it names, or, naming none, in the
one promise in force at its time that holds its commitment. An event no promise takes any
more (the promises deployed have changed since) counts nowhere rather than twice.

Placement reads an event's time only as the day it fell on in each candidate promise's
zone. Where those zones are the log's own, a day's facts all share one placement, so the
facts are decided a day at a time, by bisection, instead of one by one; and as the same
promises are asked about the same days round after round, the answers are remembered
(`belonging` keeps the selections of the last few sets of promises).
"""

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

from services.metrics.domain.facts import DAY, Fact, Group
from shared.contracts.events import EventData
from shared.promises import Promise, placed_in

D = TypeVar("D", bound=EventData)
KEEP = 64


class Belonging:
    """The facts that count for `promise` (a `facts.Selection`), among the `promises`
    deployed with it; `promise` alone when none are given."""

    def __init__(self, promise: Promise, promises: Iterable[Promise] = ()) -> None:
        self._promise = promise
        self.deployed = (promise, *(p for p in promises if p.id != promise.id))
        self._commitments = frozenset(c.id for c in promise.commitments)
        self._holders: dict[str, tuple[Promise, ...]] = {}
        self._days: dict[tuple[Group, date], bool] = {}

    def wants(self, group: Group) -> bool:
        commitment, named = group
        return commitment in self._commitments and named in (None, self._promise.id)

    def select(self, group: Group, facts: Sequence[Fact[Any]]) -> Sequence[Fact[Any]]:
        if not facts:
            return facts
        commitment, named = group
        holders = self._holders.get(commitment)
        if holders is None:
            holders = tuple(p for p in self.deployed if p.commitment(commitment) is not None)
            self._holders[commitment] = holders

        def counts(fact: Fact[Any]) -> bool:
            return placed_in(holders, commitment, fact.time, named) == self._promise.id

        def counts_on_its_day(fact: Fact[Any]) -> bool:
            known = self._days.get((group, fact.day))
            if known is None:
                known = self._days[group, fact.day] = counts(fact)
            return known

        zone = facts[0].time.tzinfo
        if all(p.zone == zone for p in holders):
            return by_day(facts, counts_on_its_day)
        return [fact for fact in facts if counts(fact)]


_kept: dict[tuple[int, ...], Belonging] = {}


def belonging(promise: Promise, promises: Iterable[Promise] = ()) -> Belonging:
    """The `Belonging` of `promise` among `promises`, the one made before for the very same
    promise objects if it is still kept, with the days it has decided already."""
    made = Belonging(promise, promises)
    # A kept selection holds its promises, so no other object can take their ids meanwhile.
    key = tuple(map(id, made.deployed))
    kept = _kept.get(key)
    if kept is not None:
        return kept
    if len(_kept) >= KEEP:
        _kept.clear()
    _kept[key] = made
    return made


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
