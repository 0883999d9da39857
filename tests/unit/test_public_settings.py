"""The public site's settings: production refuses what would publish nothing or mislead."""

import pytest
from pydantic import SecretStr, ValidationError

from services.public.settings import PublicSettings
from shared.settings import Environment

READY = {
    "environment": Environment.PRODUCTION,
    "metrics_api_key": SecretStr("lofte_abc_def"),
    "public_url": "https://uppfoljning.lund.se",
    "contact_email": "tillganglighet@lund.se",
}


def test_production_starts_with_a_key_an_https_address_and_a_real_contact() -> None:
    settings = PublicSettings(**READY)  # type: ignore[arg-type]

    assert settings.public_base == "https://uppfoljning.lund.se"
    assert "lofte_abc_def" not in repr(settings)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"metrics_api_key": None}, "METRICS_API_KEY"),
        ({"public_url": "http://uppfoljning.lund.se"}, "PUBLIC_URL"),
        ({"contact_email": "tillganglighet@lofte.localhost"}, "CONTACT_EMAIL"),
    ],
)
def test_production_refuses_development_values(change: dict[str, object], reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        PublicSettings(**{**READY, **change})  # type: ignore[arg-type]


def test_development_needs_nothing_set() -> None:
    settings = PublicSettings()

    assert (settings.http_port, settings.metrics_url) == (8004, "http://127.0.0.1:8002")
