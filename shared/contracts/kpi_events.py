"""Events the metrics service publishes about the KPIs it keeps (topic `lofte.metrics.v1`).

The notifications service consumes them. Keyed by commitment, like the events they follow.
"""

from collections.abc import Mapping
from datetime import date
from typing import Annotated

from pydantic import Field

from shared.contracts.events import EventData, Slug

METRICS_SOURCE = "lofte/metrics"


class CommitmentProgressed(EventData):
    """The number of activities counted for a commitment in a period changed."""

    TYPE = "commitment.progressed"

    commitment: Slug
    period_start: date
    period_end: date
    done: Annotated[int, Field(ge=0)]

    def commitment_id(self) -> str | None:
        return self.commitment


KPI_EVENT_TYPES: Mapping[str, type[EventData]] = {
    model.TYPE: model for model in (CommitmentProgressed,)
}
