"""Settings every service shares; each service subclasses `ServiceSettings`.

Read from the environment (names are the field names in upper case). Defaults suit a
developer machine running `make up`; production mode refuses to start on them.

Settings are shown (their repr, the start-up log line, a validation error) without a secret:
secrets are `SecretStr`, a URL's password is replaced, and a rejected value is not repeated.
"""

from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Final, Self
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, PostgresDsn, model_validator
from pydantic_settings import SettingsConfigDict

from shared.access.settings import AccessSettings
from shared.kafka_settings import KafkaSettings


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


Port = Annotated[int, Field(ge=1, le=65535)]
REDACTED: Final = "***"


def redacted_url(url: str) -> str:
    """`url` with the password of its user info replaced, for showing it."""
    parts = urlsplit(url)
    credentials, at, hosts = parts.netloc.rpartition("@")
    user, colon, _password = credentials.partition(":")
    if not at or not colon:
        return url
    return urlunsplit(parts._replace(netloc=f"{user}:{REDACTED}@{hosts}"))


class ServiceSettings(KafkaSettings, AccessSettings):
    # An error shows what is wrong, never the values read: they include passwords.
    model_config = SettingsConfigDict(
        extra="ignore", frozen=True, populate_by_name=True, hide_input_in_errors=True
    )

    environment: Environment = Field(
        default=Environment.DEVELOPMENT,
        validation_alias="LOFTE_ENV",
    )
    kafka_replication_factor: Annotated[int, Field(ge=1)] = 1
    database_url: PostgresDsn = PostgresDsn("postgresql://lofte@127.0.0.1:55432/lofte")
    http_host: str = "127.0.0.1"
    http_port: Port = 8000
    # `/metrics` on an address of its own (off the API's port) when a port is given.
    metrics_listen_host: str = "127.0.0.1"
    metrics_listen_port: Port | None = None
    topic_namespace: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]*$", max_length=100)] = ""
    log_level: str = "INFO"
    startup_timeout_seconds: Annotated[float, Field(gt=0)] = 60.0
    # Names this instance among several of one service (say "1", "2"): its static membership
    # in the consumer groups and its claims on partitions. Unique per running instance.
    instance_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]*$", max_length=100)] = ""
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
            # As with the database: a service that anyone on the network could pass for
            # must not start, rather than start and be warned about.
            if problems := self.kafka_security_problems():
                raise ValueError(f"{'; '.join(problems)} (LOFTE_ENV=production)")
            # Staff sign in with the organisation's identity provider; without one, a
            # service would be left to API keys handed around by hand.
            if problems := self.oidc_problems():
                raise ValueError(f"{'; '.join(problems)} (LOFTE_ENV=production)")
        return self

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            shown = str(value)
            yield name, (redacted_url(shown) if "://" in shown else value)
