"""Settings of the public site, read from the environment (names in upper case).

It needs neither Kafka nor the database: only the metrics service's API, and a folder of
its own where it keeps the last figures it read.

| variable | default | meaning |
| --- | --- | --- |
| `HTTP_HOST`, `HTTP_PORT` | 127.0.0.1, 8004 | where the site listens |
| `PUBLIC_URL` | http://127.0.0.1:8004 | where people reach it (the open-data metadata's links) |
| `METRICS_URL` | http://127.0.0.1:8002 | the metrics service's API, read for the figures |
| `METRICS_API_KEY` | none | the key it reads them with (below) |
| `REFRESH_SECONDS` | 60 | how often the figures are read again |
| `STALE_AFTER_SECONDS` | 900 | older figures are shown with a warning that they are old |
| `STATE_DIR` | .run/data/public | where the last figures read are kept, one file per promise |
| `PUBLISHER_NAME` | Lunds kommun | who publishes the site and its data |
| `CONTACT_EMAIL` | tillganglighet@lofte.localhost | where people report accessibility problems |
| `PROMISE_FILES`, `PROMISES_DIR` | | promises shown besides the shipped ones, as elsewhere |
| `LOG_LEVEL`, `INSTANCE_ID`, `LOFTE_ENV` | | as for the other services |

The key is a staff key of an organisation that is party to every promise shown (the parties
see each other's KPIs; `make up` makes one for the municipality), or an admin's. The site
itself asks for no key: everything it shows is public.

`LOFTE_ENV=production` refuses to start without `METRICS_API_KEY`, with a `PUBLIC_URL` that
is not https, or with the development contact address.
"""

from pathlib import Path
from typing import Annotated, Final, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import Environment, Port

DEVELOPMENT_CONTACT: Final = "tillganglighet@lofte.localhost"
HttpUrl = Annotated[str, Field(pattern=r"^https?://")]


class PublicSettings(BaseSettings):
    model_config = SettingsConfigDict(
        extra="ignore", frozen=True, populate_by_name=True, hide_input_in_errors=True
    )

    environment: Environment = Field(default=Environment.DEVELOPMENT, validation_alias="LOFTE_ENV")
    http_host: str = "127.0.0.1"
    http_port: Port = 8004
    public_url: HttpUrl = "http://127.0.0.1:8004"
    metrics_url: HttpUrl = "http://127.0.0.1:8002"
    metrics_api_key: SecretStr | None = None
    refresh_seconds: Annotated[float, Field(gt=0, le=3600)] = 60.0
    stale_after_seconds: Annotated[float, Field(gt=0)] = 900.0
    state_dir: Path = Path(".run/data/public")
    publisher_name: Annotated[str, Field(min_length=1, max_length=200)] = "Lunds kommun"
    contact_email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")] = DEVELOPMENT_CONTACT
    promise_files: tuple[Path, ...] = ()
    promises_dir: Path | None = None
    log_level: str = "INFO"
    instance_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]*$", max_length=100)] = ""

    @model_validator(mode="after")
    def _refuse_development_values_in_production(self) -> Self:
        if self.environment is not Environment.PRODUCTION:
            return self
        if self.metrics_api_key is None:
            raise ValueError("METRICS_API_KEY is not set: no figures could be read")
        if not self.public_url.startswith("https://"):
            raise ValueError("PUBLIC_URL must be https (LOFTE_ENV=production)")
        if self.contact_email == DEVELOPMENT_CONTACT:
            raise ValueError(
                "CONTACT_EMAIL still has the development address; the accessibility statement "
                "must give one people can write to (LOFTE_ENV=production)"
            )
        return self

    @property
    def public_base(self) -> str:
        return self.public_url.rstrip("/")
