import pytest
from pydantic import ValidationError

from services.activities.settings import ActivitiesSettings
from services.metrics.settings import MetricsSettings
from services.notifications.settings import NotificationsSettings


def test_defaults_match_the_documented_local_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("HTTP_PORT", "KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "LOFTE_ENV"):
        monkeypatch.delenv(variable, raising=False)

    assert ActivitiesSettings().http_port == 8001
    assert MetricsSettings().http_port == 8002
    assert NotificationsSettings().http_port == 8003
    assert ActivitiesSettings().kafka_bootstrap_servers == "127.0.0.1:9092"
    assert str(ActivitiesSettings().database_url) == "postgresql://lofte@127.0.0.1:55432/lofte"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    monkeypatch.setenv("HTTP_PORT", "9999")
    monkeypatch.setenv("TOPIC_NAMESPACE", "staging.")

    settings = MetricsSettings()

    assert settings.kafka_bootstrap_servers == "kafka:9092"
    assert settings.http_port == 9999
    assert settings.topic_namespace == "staging."


def test_production_refuses_a_database_without_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOFTE_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "postgresql://lofte@db:5432/lofte")

    with pytest.raises(ValidationError, match="trust authentication is for local development"):
        ActivitiesSettings()


def test_production_starts_with_a_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOFTE_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "postgresql://lofte:s3cret-value@db:5432/lofte")
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "lofte-activities")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "another-s3cret")
    monkeypatch.setenv("OIDC_ISSUER", "https://login.lund.example/realms/lofte")

    assert ActivitiesSettings().environment == "production"


def test_extra_promise_files_come_as_a_json_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROMISE_FILES", '["promises/lund-2019.yaml", "promises/malmo.yaml"]')

    settings = ActivitiesSettings()

    assert [str(path) for path in settings.promise_files] == [
        "promises/lund-2019.yaml",
        "promises/malmo.yaml",
    ]
