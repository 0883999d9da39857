from typing import Annotated

from pydantic import Field

from shared.settings import Port, ServiceSettings


class ActivitiesSettings(ServiceSettings):
    http_port: Port = 8001
    # A batch is refused whole (413) past either limit, whichever it reaches first.
    max_body_bytes: Annotated[int, Field(ge=1024)] = 1024 * 1024
    max_batch_events: Annotated[int, Field(ge=1)] = 1000
    consumer_group: str = "lofte-activities"
    batch_max_records: Annotated[int, Field(ge=1, le=10_000)] = 500
