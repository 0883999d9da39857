"""Production refuses to start without an identity provider staff can sign in with."""

import pytest
from pydantic import ValidationError

from services.metrics.settings import MetricsSettings

PRODUCTION = {
    "LOFTE_ENV": "production",
    "DATABASE_URL": "postgresql://lofte:s3cret-value@db:5432/lofte",
    "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
    "KAFKA_SASL_USERNAME": "lofte-metrics",
    "KAFKA_SASL_PASSWORD": "another-s3cret",
}


@pytest.fixture(autouse=True)
def production(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in MetricsSettings.model_fields:
        if name.startswith("oidc_"):
            monkeypatch.delenv(name.upper(), raising=False)
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)


def test_production_refuses_to_start_without_an_identity_provider() -> None:
    with pytest.raises(ValidationError, match="OIDC_ISSUER is not set: staff could not sign in"):
        MetricsSettings()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("OIDC_ISSUER", "http://login.lund.example/realms/lofte"),
        ("OIDC_JWKS_URL", "http://login.lund.example/certs"),
    ],
)
def test_production_refuses_keys_of_the_provider_read_in_clear(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv("OIDC_ISSUER", "https://login.lund.example/realms/lofte")
    monkeypatch.setenv(variable, value)

    with pytest.raises(ValidationError, match="must be https"):
        MetricsSettings()


def test_production_starts_with_an_identity_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OIDC_ISSUER", "https://login.lund.example/realms/lofte")

    settings = MetricsSettings()

    assert settings.oidc_issuer == "https://login.lund.example/realms/lofte"
    assert settings.oidc_audience == "lofte"


def test_development_starts_without_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOFTE_ENV", "development")

    assert MetricsSettings().oidc_issuer is None
