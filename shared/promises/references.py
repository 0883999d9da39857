"""The cross-references of a promise, checked as a whole.

Field validators see one value; these rules need the whole promise: ids unique within
their list, and everything referred to present. Each problem carries the path of the
value that is wrong, so the loader can point at its line.
"""

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from shared.promises.base import Loc, duplicates_at
from shared.promises.dated import DatedTarget
from shared.promises.indicators import ActivityCount
from shared.promises.targets import DeliverableTarget, OpenCountTarget

if TYPE_CHECKING:
    from shared.promises.model import Commitment, Promise


def _duplicates(field: str, what: str, ids: Iterable[str]) -> list[tuple[Loc, str]]:
    return [((field, i, "id"), f"duplicate {what} id {value!r}") for i, value in duplicates_at(ids)]


def reference_problems(promise: "Promise") -> list[tuple[Loc, str]]:
    problems = [
        *_duplicates("parties", "organisation", (p.id for p in promise.parties)),
        *_duplicates("focus_areas", "focus area", (f.id for f in promise.focus_areas)),
        *_duplicates("commitments", "commitment", (c.id for c in promise.commitments)),
        *_duplicates("outcome_indicators", "indicator", (i.id for i in promise.outcome_indicators)),
    ]
    organisations = set(promise.organisation_ids)
    focus_areas = {f.id for f in promise.focus_areas}
    indicators = {i.id for i in promise.outcome_indicators}
    for index, commitment in enumerate(promise.commitments):
        loc: Loc = ("commitments", index)
        if commitment.focus_area not in focus_areas:
            known = ", ".join(sorted(focus_areas))
            message = f"unknown focus area {commitment.focus_area!r}; known: {known}"
            problems.append(((*loc, "focus_area"), message))
        for position, organisation in enumerate(commitment.responsible):
            if organisation not in organisations:
                known = ", ".join(promise.organisation_ids)
                message = f"unknown organisation {organisation!r}; the parties are {known}"
                problems.append(((*loc, "responsible", position), message))
        target = commitment.target
        if isinstance(target, OpenCountTarget) and target.indicator not in (None, *indicators):
            message = f"unknown outcome indicator {target.indicator!r}"
            problems.append(((*loc, "target", "indicator"), message))
        problems += _dates_before_start(loc, commitment, promise.valid_from)
    commitments = {c.id for c in promise.commitments}
    for index, indicator in enumerate(promise.outcome_indicators):
        measure = indicator.measured_by
        if isinstance(measure, ActivityCount):
            for position, commitment_id in enumerate(measure.commitments):
                if commitment_id not in commitments:
                    loc = ("outcome_indicators", index, "measured_by", "commitments", position)
                    problems.append((loc, f"unknown commitment {commitment_id!r}"))
    return problems


def _dates_before_start(loc: Loc, commitment: "Commitment", start: date) -> list[tuple[Loc, str]]:
    # A date before the promise starts is almost always a wrong year in the file.
    target = commitment.target
    message = f"before the promise starts ({start})"
    if isinstance(target, DeliverableTarget) and target.due is not None and target.due < start:
        return [((*loc, "target", "due"), message)]
    if isinstance(target, DatedTarget):
        if target.window is not None and target.window.start < start:
            return [((*loc, "target", "window", "start"), message)]
        return [
            ((*loc, "target", "occurrences", i, "start"), message)
            for i, occurrence in enumerate(target.occurrences)
            if occurrence.start.date() < start
        ]
    return []
