from typing import Annotated

from pydantic import Field

from shared.settings import Port, ServiceSettings


class MetricsSettings(ServiceSettings):
    http_port: Port = 8002
    consumer_group: str = "lofte-metrics"
    batch_max_records: Annotated[int, Field(ge=1, le=10_000)] = 500
    timezone: str = "Europe/Stockholm"
