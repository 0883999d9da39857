"""Where an activity has to take place to count, and the spellings partners may use for it.

A coverage target that lists places (or classes, reported as the place) counts an activity
at one of them only; a dated target names where each occurrence is held. Partners type these
names by hand, so a place is matched without regard to case, surrounding spaces or Unicode
normalisation ("Ungdomens Hus", " ungdomens hus", a decomposed "ö"), and through the aliases
the promise's `places` list gives for a name ("UH" for "Ungdomens hus"). What matches is
known by the promise's own spelling of the name, which is what the KPIs count.
"""

import unicodedata
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, Field

from shared.promises.base import Frozen, Loc, ShortText, no_repeats
from shared.promises.coverage import CoverageTarget
from shared.promises.dated import DatedTarget

if TYPE_CHECKING:
    from shared.promises.model import Commitment, Promise


class PlaceAliases(Frozen):
    """Other names partners use for a place the promise names."""

    name: ShortText = Field(description="the place as the promise's targets name it")
    aliases: Annotated[
        tuple[ShortText, ...], Field(min_length=1, max_length=50), AfterValidator(no_repeats)
    ]


def normalised(name: str) -> str:
    """The form two spellings of one place share: NFC, casefolded, without outer spaces."""
    # Casefolding may take a composed character apart ("ẞ" to "ss" is harmless, but others
    # decompose), so normalise again after it.
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).strip().casefold())


def counted_places(commitment: "Commitment") -> tuple[str, ...]:
    """The places a commitment's target names, in the promise's spelling; () for none."""
    target = commitment.target
    if isinstance(target, CoverageTarget):
        listed = target.listed
        return listed.members if listed is not None else ()
    if isinstance(target, DatedTarget):
        if target.window is not None:
            return (target.window.place,) if target.window.place else ()
        return tuple(dict.fromkeys(o.place for o in target.occurrences))
    return ()


def place_required(commitment: "Commitment") -> bool:
    """Whether a completed activity without a place would count for nothing."""
    target = commitment.target
    return isinstance(target, CoverageTarget) and target.listed is not None


def spellings(promise: "Promise", commitment: "Commitment") -> Mapping[str, str]:
    """Each normalised name and alias that counts for `commitment`, to the name it stands for."""
    names = counted_places(commitment)
    found = {normalised(name): name for name in names}
    for entry in promise.places:
        canonical = found.get(normalised(entry.name))
        if canonical is None:
            continue
        for alias in entry.aliases:
            found.setdefault(normalised(alias), canonical)
    return found


def canonical_place(promise: "Promise", commitment: "Commitment", reported: str) -> str | None:
    """The promise's name for the place an activity reports, or None when it names none."""
    return spellings(promise, commitment).get(normalised(reported))


def place_problems(promise: "Promise") -> list[tuple[Loc, str]]:
    """Names and aliases that would make a reported place ambiguous, each where it is written.

    Every place a target names, and every alias, must stand for one place only once case,
    spaces and normalisation are set aside; an alias may only be given for a place that
    some target names, since it would match nothing otherwise.
    """
    problems: list[tuple[Loc, str]] = []
    named = {normalised(name) for c in promise.commitments for name in counted_places(c)}
    for loc, members in _listed_members(promise):
        seen: dict[str, str] = {}
        for position, member in enumerate(members):
            earlier = seen.setdefault(normalised(member), member)
            if earlier != member:
                message = f"{member!r} and {earlier!r} are the same place to a partner"
                problems.append(((*loc, position), message))
    owners: dict[str, str] = {}  # normalised name or alias -> the place it stands for
    for index, entry in enumerate(promise.places):
        key = normalised(entry.name)
        if key not in named:
            message = f"no target of the promise names the place {entry.name!r}"
            problems.append((("places", index, "name"), message))
        if owners.setdefault(key, entry.name) != entry.name:
            message = f"aliases for {entry.name!r} are given twice"
            problems.append((("places", index, "name"), message))
    for index, entry in enumerate(promise.places):
        for position, alias in enumerate(entry.aliases):
            key = normalised(alias)
            owner = owners.get(key) if key not in named else _named_as(promise, key)
            if key == normalised(entry.name):
                message = f"{alias!r} is the name itself; case and spaces never matter"
            elif owner is not None and normalised(owner) != normalised(entry.name):
                message = f"{alias!r} would also mean {owner!r}"
            else:
                owners[key] = entry.name
                continue
            problems.append((("places", index, "aliases", position), message))
    return problems


def _named_as(promise: "Promise", key: str) -> str:
    return next(
        name for c in promise.commitments for name in counted_places(c) if normalised(name) == key
    )


def _listed_members(promise: "Promise") -> Iterator[tuple[Loc, tuple[str, ...]]]:
    for index, commitment in enumerate(promise.commitments):
        target = commitment.target
        listed = target.listed if isinstance(target, CoverageTarget) else None
        if isinstance(target, CoverageTarget) and listed is not None:
            position = target.dimensions.index(listed)
            loc: Loc = ("commitments", index, "target", "dimensions", position, "members")
            yield loc, listed.members
