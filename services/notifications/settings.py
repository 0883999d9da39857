"""Settings of the notifications service, read from the environment.

Besides those every service reads (`shared.settings`):

| variable | default | meaning |
| --- | --- | --- |
| `CONSUMER_GROUP` | lofte-notifications | Kafka consumer group |
| `BATCH_MAX_RECORDS` | 500 | KPI events applied per transaction at most |
| `ROUTING_FILE` | the shipped `routing.yaml` | who is told what, when (see `domain.config`) |
| `SMTP__HOST`, `SMTP__PORT` | 127.0.0.1, 25 | the mail relay |
| `SMTP__FROM_ADDRESS` | Löfte <notiser@lofte.localhost> | the sender of every mail |
| `SMTP__STARTTLS`, `SMTP__USE_TLS` | false | TLS upgrade (587) or TLS from the start (465) |
| `SMTP__USERNAME`, `SMTP__PASSWORD` | none | relay login, both or neither |
| `SMTP__TIMEOUT`, `SMTP__VALIDATE_CERTS`, `SMTP__CERT_BUNDLE`, `SMTP__HELO_NAME` | | |
| `LANGUAGE` | sv | sv or en: the language of every message |
| `GRAFANA_URL` | http://127.0.0.1:3000 | base of the dashboard links in messages |
| `PUBLIC_URL` | http://127.0.0.1:8003 | where people reach this service (acknowledge links) |
| `ACK_SECRET` | a development value | HMAC key of acknowledge links (≥ 32 characters) |
| `ACK_LINK_LIFETIME_HOURS` | 168 | how long an acknowledge link works |
| `METRICS_URL` | http://127.0.0.1:8002 | the metrics service's API, read for the digest |
| `METRICS_API_KEY` | none | the API key it is read with (an admin's; `make up` makes one) |
| `REMINDER_DAYS` | 7 | days before a dated occurrence that its organisations are reminded |
| `DIGEST_TIME` | 06:30 | Monday, Europe/Stockholm: when the weekly lägesbild is made |
| `DIGEST_CATCH_UP_HOURS` | 12 | a service down at digest time still makes it within this long |
| `GAP_NOTICE_DAYS` | 7 | a coverage gap is told once its period has at most this many days left |
| `DISPATCHER_MAX_INTERVAL_SECONDS` | 30 | the planner looks at least this often (≤ 30) |
| `SCHEDULER_INTERVAL_SECONDS` | 30 | how often reminders and digests are looked for |
| `SENDER_POLL_SECONDS` | 5 | how often the delivery log is looked at when nobody wakes the sender |
| `SENDER_CONCURRENCY` | 16 | deliveries in flight at once |
| `SEND_TIMEOUT_SECONDS` | 30 | one attempt at most; then it counts as a temporary failure |
| `RETRY_BASE_SECONDS`, `RETRY_MAX_DELAY_SECONDS` | 5, 900 | backoff of temporary failures |
| `RETRY_GIVE_UP_HOURS` | 6 | after this long a delivery that keeps failing is given up |
| `STATE_RETENTION_DAYS` | 30 | idle groups and old escalations leave the planner's state |

`LOFTE_ENV=production` refuses the development `ACK_SECRET` and a routing file that still
has the shipped example addresses.
"""

from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Any, Final, Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from services.notifications.channels import SmtpSettings
from services.notifications.domain import DEFAULT_ROUTING_FILE, RoutingConfig, load_routing_text
from shared.settings import Environment, Port, ServiceSettings

DEVELOPMENT_ACK_SECRET: Final = "development-only-ack-secret-not-for-production"  # noqa: S105
_SMTP_DEFAULTS: Final[dict[str, Any]] = {
    "host": "127.0.0.1",
    "port": 25,
    "from_address": "Löfte <notiser@lofte.localhost>",
}

Seconds = Annotated[float, Field(gt=0)]


def load_routing(path: Path) -> RoutingConfig:
    return load_routing_text(path.read_text(encoding="utf-8"), str(path))


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        extra="ignore", frozen=True, populate_by_name=True, env_nested_delimiter="__"
    )

    http_port: Port = 8003
    consumer_group: str = "lofte-notifications"
    batch_max_records: Annotated[int, Field(ge=1, le=10_000)] = 500
    routing_file: Path = DEFAULT_ROUTING_FILE
    smtp: SmtpSettings = Field(default_factory=lambda: SmtpSettings(**_SMTP_DEFAULTS))
    language: Literal["sv", "en"] = "sv"
    grafana_url: Annotated[str, Field(pattern=r"^https?://")] = "http://127.0.0.1:3000"
    public_url: Annotated[str, Field(pattern=r"^https?://")] = "http://127.0.0.1:8003"
    ack_secret: SecretStr = SecretStr(DEVELOPMENT_ACK_SECRET)
    ack_link_lifetime_hours: Annotated[float, Field(gt=0, le=24 * 90)] = 168.0
    metrics_url: Annotated[str, Field(pattern=r"^https?://")] = "http://127.0.0.1:8002"
    # The digest reads every promise's KPIs: an API key of an admin (or of staff of an
    # organisation that is party to every promise served).
    metrics_api_key: SecretStr | None = None
    reminder_days: Annotated[int, Field(ge=0, le=90)] = 7
    digest_time: time = time(6, 30)
    digest_catch_up_hours: Annotated[float, Field(gt=0, le=24 * 6)] = 12.0
    gap_notice_days: Annotated[int, Field(ge=0, le=366)] = 7
    dispatcher_max_interval_seconds: Annotated[float, Field(gt=0, le=30)] = 30.0
    scheduler_interval_seconds: Seconds = 30.0
    sender_poll_seconds: Seconds = 5.0
    sender_concurrency: Annotated[int, Field(ge=1, le=256)] = 16
    send_timeout_seconds: Seconds = 30.0
    retry_base_seconds: Seconds = 5.0
    retry_max_delay_seconds: Seconds = 900.0
    retry_give_up_hours: Seconds = 6.0
    state_retention_days: Annotated[float, Field(gt=0)] = 30.0

    @field_validator("smtp", mode="before")
    @classmethod
    def _smtp_over_defaults(cls, value: Any) -> Any:
        # `SMTP__HOST=relay` alone must not lose the other defaults (the sender, above all).
        return {**_SMTP_DEFAULTS, **value} if isinstance(value, dict) else value

    @model_validator(mode="after")
    def _refuse_development_values_in_production(self) -> Self:
        if self.environment is not Environment.PRODUCTION:
            return self
        secret = self.ack_secret.get_secret_value()
        if secret == DEVELOPMENT_ACK_SECRET or len(secret) < 32:
            raise ValueError(
                "ACK_SECRET must be set to a random value of at least 32 characters "
                "(LOFTE_ENV=production)"
            )
        if load_routing(self.routing_file).uses_example_addresses:
            raise ValueError(
                f"ROUTING_FILE {self.routing_file} still has example addresses that reach "
                "nobody; give each organisation's real ones (LOFTE_ENV=production)"
            )
        return self

    @property
    def ack_link_lifetime(self) -> timedelta:
        return timedelta(hours=self.ack_link_lifetime_hours)

    @property
    def digest_catch_up(self) -> timedelta:
        return timedelta(hours=self.digest_catch_up_hours)

    @property
    def state_retention(self) -> timedelta:
        return timedelta(days=self.state_retention_days)
