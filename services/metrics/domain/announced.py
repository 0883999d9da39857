"""What the metrics service has already told the notifications service, per promise.

Kept between evaluations (the service stores `to_json()` in PostgreSQL as jsonb) so that
each change is announced once: per commitment the last status announced with its figures
then, the missed slots and the coverage cells already announced; per outcome the last
status and value. Slots and cells are kept only while the KPIs still show them, so the
state stays as small as one period's news.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services.metrics.domain.kpis import Gap, Span
from shared.contracts.kpis import Status

VERSION = 1

GapKey = tuple[date, date, tuple[tuple[str, str], ...]]


def gap_key(gap: Gap) -> GapKey:
    return gap.period.start, gap.period.end, tuple(sorted(gap.dimensions.items()))


@dataclass(frozen=True, slots=True)
class AnnouncedCommitment:
    status: Status
    figures: dict[str, Any] = field(default_factory=dict)
    missed_slots: frozenset[date] = frozenset()
    gaps: frozenset[GapKey] = frozenset()


@dataclass(frozen=True, slots=True)
class AnnouncedOutcome:
    status: Status
    value: float | None


@dataclass(frozen=True, slots=True)
class Announced:
    commitments: Mapping[str, AnnouncedCommitment] = field(default_factory=dict)
    outcomes: Mapping[str, AnnouncedOutcome] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types only, in a stable order."""
        return {
            "version": VERSION,
            "commitments": {
                commitment_id: {
                    "status": told.status.value,
                    "figures": told.figures,
                    "missed_slots": [slot.isoformat() for slot in sorted(told.missed_slots)],
                    "gaps": [_gap_json(key) for key in sorted(told.gaps)],
                }
                for commitment_id, told in sorted(self.commitments.items())
            },
            "outcomes": {
                indicator: {"status": told.status.value, "value": told.value}
                for indicator, told in sorted(self.outcomes.items())
            },
        }

    def updated(self, told: "Announced", evaluated: Callable[[str], bool]) -> "Announced":
        """The ledger's new word after an evaluation of the KPIs `evaluated` says yes to:
        `told` for those, this word for the others (another owner's, or not evaluated now)."""
        return Announced(
            commitments={
                **{k: v for k, v in self.commitments.items() if not evaluated(k)},
                **told.commitments,
            },
            outcomes={
                **{k: v for k, v in self.outcomes.items() if not evaluated(k)},
                **told.outcomes,
            },
        )

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> "Announced":
        if document.get("version", VERSION) != VERSION:
            raise ValueError(f"announced state version {document['version']} is unknown")
        return cls(
            commitments={
                commitment_id: AnnouncedCommitment(
                    status=Status(told["status"]),
                    figures=dict(told.get("figures", {})),
                    missed_slots=frozenset(
                        date.fromisoformat(slot) for slot in told.get("missed_slots", ())
                    ),
                    gaps=frozenset(_gap_from_json(gap) for gap in told.get("gaps", ())),
                )
                for commitment_id, told in document.get("commitments", {}).items()
            },
            outcomes={
                indicator: AnnouncedOutcome(Status(told["status"]), told.get("value"))
                for indicator, told in document.get("outcomes", {}).items()
            },
        )


def _gap_json(key: GapKey) -> dict[str, Any]:
    start, end, dimensions = key
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "dimensions": dict(dimensions),
    }


def _gap_from_json(document: Mapping[str, Any]) -> GapKey:
    period = Span(
        date.fromisoformat(document["period"]["start"]),
        date.fromisoformat(document["period"]["end"]),
    )
    return gap_key(Gap(dimensions=dict(document["dimensions"]), period=period))
