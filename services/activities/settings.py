from typing import Annotated

from pydantic import Field, SecretStr

from shared.settings import Port, ServiceSettings


class ActivitiesSettings(ServiceSettings):
    http_port: Port = 8001
    # A batch is refused whole (413) past either limit, whichever it reaches first.
    max_body_bytes: Annotated[int, Field(ge=1024)] = 1024 * 1024
    max_batch_events: Annotated[int, Field(ge=1)] = 1000
    consumer_group: str = "lofte-activities"
    batch_max_records: Annotated[int, Field(ge=1, le=10_000)] = 500
    # Receipts ask the metrics service whether it applied an event, and towards what it
    # counts: with an API key of an admin (or of staff of a party to every promise served).
    metrics_url: Annotated[str, Field(pattern=r"^https?://")] = "http://127.0.0.1:8002"
    metrics_api_key: SecretStr | None = None
    metrics_timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 5.0
    # Refusals are kept for receipts this long and to this number, the newest first.
    refusals_kept_days: Annotated[float, Field(gt=0)] = 30.0
    refusals_kept_most: Annotated[int, Field(ge=1)] = 100_000
