"""The notifications service's settings: development defaults that run anywhere, and a
production mode that refuses them."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from services.notifications.settings import NotificationsSettings

STRONG = "k4Jd9s0Lq2Zx8Vb7Nm1Pw3Ry6Tu5Ei0Oa"
PRODUCTION = {
    "LOFTE_ENV": "production",
    "DATABASE_URL": "postgresql://lofte:pw@db:5432/lofte",
    "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
    "KAFKA_SASL_USERNAME": "lofte",
    "KAFKA_SASL_PASSWORD": "pw",
    "OIDC_ISSUER": "https://login.lund.example/realms/lofte",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LOFTE_ENV", "DATABASE_URL", "ACK_SECRET", "ROUTING_FILE", "SMTP__HOST"):
        monkeypatch.delenv(name, raising=False)


def test_the_defaults_suit_make_up() -> None:
    settings = NotificationsSettings()

    assert (settings.smtp.host, settings.smtp.port) == ("127.0.0.1", 25)
    assert settings.language == "sv"
    assert settings.metrics_url == "http://127.0.0.1:8002"
    assert settings.reminder_days == 7
    assert settings.routing_file.name == "routing.yaml"
    assert settings.dispatcher_max_interval_seconds <= 30


def test_one_smtp_variable_keeps_the_other_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP__HOST", "relay.lund.test")
    monkeypatch.setenv("SMTP__PORT", "587")
    monkeypatch.setenv("SMTP__STARTTLS", "true")

    smtp = NotificationsSettings().smtp

    assert (smtp.host, smtp.port, smtp.starttls) == ("relay.lund.test", 587, True)
    assert smtp.from_address == "Löfte <notiser@lofte.localhost>"


def test_production_refuses_the_development_ack_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ValidationError, match="ACK_SECRET"):
        NotificationsSettings()


def test_production_refuses_the_shipped_example_routing(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**PRODUCTION, "ACK_SECRET": STRONG}.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ValidationError, match="example addresses"):
        NotificationsSettings()


def test_production_starts_with_a_secret_and_real_addresses(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    routing = tmp_path / "routing.yaml"
    routing.write_text(
        "contact_points: {polisen: {email: [lofte@polisen.se]}}\nroute: {receiver: polisen}\n",
        encoding="utf-8",
    )
    for name, value in {**PRODUCTION, "ACK_SECRET": STRONG, "ROUTING_FILE": str(routing)}.items():
        monkeypatch.setenv(name, value)

    assert NotificationsSettings().ack_secret.get_secret_value() == STRONG
