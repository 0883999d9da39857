"""What applying a batch of events did, as the batch consumer counts it: apart from the
consumer, so that the use cases that return it need not know Kafka."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Applied:
    new: int
    duplicates: int
