"""Kafka topics, declared once: names, partitions and retention.

The project creates its topics itself (auto-creation is off on the broker), so the
declarations here are what exists. A deployment may prefix every name with a namespace to
share one cluster between several installations or test runs.
"""

from dataclasses import dataclass

DAY_MS = 24 * 60 * 60 * 1000
FOREVER = -1


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int
    retention_ms: int
    purpose: str

    def qualified(self, namespace: str = "") -> str:
        return f"{namespace}{self.name}"


INGEST = TopicSpec(
    name="lofte.ingest.v1",
    partitions=6,
    retention_ms=14 * DAY_MS,
    purpose="CloudEvents that partner systems produce directly, not yet validated.",
)

# Kept forever: the metrics service rebuilds its KPI state by replaying it from the start.
ACTIVITIES = TopicSpec(
    name="lofte.activities.v1",
    partitions=6,
    retention_ms=FOREVER,
    purpose="Events the activities service accepted, keyed by commitment (or subject).",
)

# A header of every record on ACTIVITIES the activities service published: the event's place
# in the register's order (decimal). Per key it strictly increases in offset order.
REGISTER_SEQ_HEADER = "lofte-register-seq"

METRICS = TopicSpec(
    name="lofte.metrics.v1",
    partitions=6,
    retention_ms=90 * DAY_MS,
    purpose="KPI changes the metrics service publishes for the notifications service.",
)


def dead_letter(topic: TopicSpec) -> TopicSpec:
    """The topic where a consumer of `topic` parks what it cannot process, with the reason."""
    return TopicSpec(
        name=f"{topic.name}.dlq",
        partitions=1,
        retention_ms=90 * DAY_MS,
        purpose=f"Records of {topic.name} that could not be processed, with the reason.",
    )


CONSUMED = (INGEST, ACTIVITIES, METRICS)
ALL = (*CONSUMED, *(dead_letter(topic) for topic in CONSUMED))
