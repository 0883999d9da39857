"""Settings every service shares; each service subclasses `ServiceSettings`.

Read from the environment (names are the field names in upper case). Defaults suit a
developer machine running `make up`; production mode refuses to start on them.
"""

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Self

from pydantic import Field, PostgresDsn, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


Port = Annotated[int, Field(ge=1, le=65535)]


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    environment: Environment = Field(
        default=Environment.DEVELOPMENT,
        validation_alias="LOFTE_ENV",
    )
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_replication_factor: Annotated[int, Field(ge=1)] = 1
    database_url: PostgresDsn = PostgresDsn("postgresql://lofte@127.0.0.1:55432/lofte")
    http_host: str = "127.0.0.1"
    http_port: Port = 8000
    topic_namespace: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]*$", max_length=100)] = ""
    log_level: str = "INFO"
    startup_timeout_seconds: Annotated[float, Field(gt=0)] = 60.0
    # Promises served besides the shipped ones (Lund 2017): files, and every *.yaml in a folder.
    promise_files: tuple[Path, ...] = ()
    promises_dir: Path | None = None

    @model_validator(mode="after")
    def refuse_development_defaults_in_production(self) -> Self:
        if self.environment is Environment.PRODUCTION:
            host = self.database_url.hosts()[0]
            if not host.get("password"):
                raise ValueError(
                    "DATABASE_URL has no password: trust authentication is for local "
                    "development only (LOFTE_ENV=production)"
                )
        return self
