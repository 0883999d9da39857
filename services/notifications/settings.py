from typing import Annotated

from pydantic import Field

from shared.settings import Port, ServiceSettings


class NotificationsSettings(ServiceSettings):
    http_port: Port = 8003
    consumer_group: str = "lofte-notifications"
    batch_max_records: Annotated[int, Field(ge=1, le=10_000)] = 500
