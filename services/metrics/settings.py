from typing import Annotated

from pydantic import Field

from shared.settings import Port, ServiceSettings


class MetricsSettings(ServiceSettings):
    http_port: Port = 8002
    consumer_group: str = "lofte-metrics"
    batch_max_records: Annotated[int, Field(ge=1, le=10_000)] = 500
    # The clock: how often the KPIs are evaluated when no event arrives.
    evaluation_interval_seconds: Annotated[float, Field(gt=0)] = 30.0
    # Warn about an uncovered coverage cell when its period has this many days left.
    gap_notice_days: Annotated[int, Field(ge=0, le=31)] = 7
