"""The figures of a promise as last read from the metrics service, and how old they are.

The site keeps the last answer it had, so that it can answer when the metrics service
cannot; whoever reads it is told when it was read. It is kept as the KPI API's own JSON
(`shared.contracts.kpis`), and read back through the same contract.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.contracts.kpis import PromiseKpisView


@dataclass(frozen=True, slots=True)
class Snapshot:
    promise_id: str
    # When the site read it; the figures are as of `kpis.at`, a moment before.
    fetched_at: datetime
    kpis: PromiseKpisView

    def age(self, now: datetime) -> timedelta:
        return max(now - self.fetched_at, timedelta(0))

    def is_stale(self, now: datetime, stale_after: timedelta) -> bool:
        return self.age(now) > stale_after


def snapshot_to_text(snapshot: Snapshot) -> str:
    return json.dumps(
        {
            "promise": snapshot.promise_id,
            "fetched_at": snapshot.fetched_at.isoformat(),
            "kpis": snapshot.kpis.model_dump(mode="json"),
        },
        ensure_ascii=False,
    )


def snapshot_from_text(text: str) -> Snapshot:
    """ValueError (or KeyError) when `text` is not a snapshot this module wrote, or its
    figures no longer parse as the KPI API's contract (pydantic's ValidationError)."""
    document = json.loads(text)
    fetched_at = datetime.fromisoformat(document["fetched_at"])
    if fetched_at.tzinfo is None:
        raise ValueError("fetched_at has no time zone")
    kpis = PromiseKpisView.model_validate(document["kpis"])
    return Snapshot(str(document["promise"]), fetched_at, kpis)
