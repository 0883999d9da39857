"""Settings are shown without their secrets: in their repr, the start-up log line and the
error that refuses one."""

import json

import pytest
from pydantic import ValidationError

from services.notifications.main import create_app
from services.notifications.settings import NotificationsSettings
from shared.settings import redacted_url

DATABASE_PASSWORD = "db-pw-Qm3Zt8Kx"  # noqa: S105 - made up, to be looked for
SMTP_PASSWORD = "smtp-pw-Hv6Rn2Ly"  # noqa: S105
ACK_SECRET = "ack-secret-Wd4Jc9Ps-at-least-32-characters"  # noqa: S105
KAFKA_PASSWORD = "kafka-pw-Tz7Bq1Mv"  # noqa: S105
SECRETS = (DATABASE_PASSWORD, SMTP_PASSWORD, ACK_SECRET)


@pytest.fixture
def secret_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"postgresql://lofte:{DATABASE_PASSWORD}@db:5432/lofte")
    monkeypatch.setenv("SMTP__USERNAME", "relay-user")
    monkeypatch.setenv("SMTP__PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("ACK_SECRET", ACK_SECRET)


@pytest.mark.usefixtures("secret_environment")
def test_the_repr_and_str_of_settings_show_no_secret() -> None:
    settings = NotificationsSettings()

    for shown in (repr(settings), str(settings)):
        assert not [secret for secret in SECRETS if secret in shown]
        assert "postgresql://lofte:***@db:5432/lofte" in shown
        assert "relay-user" in shown
    # Redacted where shown, not where used.
    assert DATABASE_PASSWORD in str(settings.database_url)


@pytest.mark.usefixtures("secret_environment")
def test_the_start_up_line_shows_the_settings_without_secrets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    create_app(NotificationsSettings())

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    [starting] = [line for line in lines if "starting with" in line["message"]]
    assert starting["message"].startswith("notifications starting with NotificationsSettings(")
    assert "lofte:***@db:5432" in starting["message"]
    assert not [secret for secret in SECRETS if secret in starting["message"]]


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"DATABASE_URL": f"postgresql://lofte:{DATABASE_PASSWORD}@db:port/lofte"}, "database_url"),
        ({"SMTP__PASSWORD": SMTP_PASSWORD}, "smtp"),
        (
            {
                "LOFTE_ENV": "production",
                "DATABASE_URL": f"postgresql://lofte:{DATABASE_PASSWORD}@db:5432/lofte",
                "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
                "KAFKA_SASL_USERNAME": "lofte",
                "KAFKA_SASL_PASSWORD": KAFKA_PASSWORD,
                "OIDC_ISSUER": "https://login.lund.example/realms/lofte",
                "ACK_SECRET": ACK_SECRET[:20],
            },
            "ACK_SECRET",
        ),
    ],
    ids=["bad-database-url", "smtp-password-without-user", "short-ack-secret-in-production"],
)
def test_a_refused_setting_is_not_repeated_in_the_error(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], field: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ValidationError) as refused:
        NotificationsSettings()

    message = str(refused.value)
    assert field in message
    assert not [
        secret for secret in (*SECRETS, ACK_SECRET[:20], KAFKA_PASSWORD) if secret in message
    ]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://lofte:pw@db:5432/lofte", "postgresql://lofte:***@db:5432/lofte"),
        (
            "postgresql://lofte:p%40ss@h1:1,h2:2/x?sslmode=require",
            "postgresql://lofte:***@h1:1,h2:2/x?sslmode=require",
        ),
        ("postgresql://lofte@db/lofte", "postgresql://lofte@db/lofte"),
        ("http://127.0.0.1:8003", "http://127.0.0.1:8003"),
    ],
)
def test_a_url_is_shown_without_its_password(url: str, shown: str) -> None:
    assert redacted_url(url) == shown
