"""Kafka security settings: what each combination gives every client, what is refused and how
it is said, and that the password is never shown."""

import ssl
from pathlib import Path
from typing import Any

import pytest
from faststream.security import SASLPlaintext, SASLScram256, SASLScram512
from pydantic import ValidationError

from shared.messaging.connection import KafkaConnection
from shared.settings import ServiceSettings
from tests.certificates import KEY_PASSWORD, Pki, make_pki

PASSWORD = "correct-horse-battery-staple"  # noqa: S105
PRODUCTION = {
    "environment": "production",
    "database_url": "postgresql://lofte:pw@db:5432/lofte",
    "oidc_issuer": "https://login.lund.example/realms/lofte",
}
SASL = {"kafka_sasl_username": "lofte", "kafka_sasl_password": PASSWORD}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LOFTE_ENV", "DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS"):
        monkeypatch.delenv(name, raising=False)
    for name in ServiceSettings.model_fields:
        if name.startswith("kafka_"):
            monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def settings(**values: Any) -> ServiceSettings:
    return ServiceSettings(**values)


def refusal(**values: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        settings(**values)
    return str(caught.value)


def test_by_default_clients_connect_without_security() -> None:
    kafka = KafkaConnection.of(settings())

    assert kafka.security is None
    assert kafka.aiokafka_options() == {"bootstrap_servers": "127.0.0.1:9092"}


@pytest.mark.parametrize(
    ("mechanism", "kind"),
    [("SCRAM-SHA-512", SASLScram512), ("SCRAM-SHA-256", SASLScram256), ("PLAIN", SASLPlaintext)],
)
def test_sasl_ssl_gives_every_client_the_login_and_a_verifying_tls_context(
    mechanism: str, kind: type
) -> None:
    kafka = KafkaConnection.of(
        settings(kafka_security_protocol="SASL_SSL", kafka_sasl_mechanism=mechanism, **SASL)
    )
    options = kafka.aiokafka_options()

    assert isinstance(kafka.security, kind)
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == mechanism
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == ("lofte", PASSWORD)
    context = options["ssl_context"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname


def test_sasl_plaintext_logs_in_without_tls() -> None:
    options = KafkaConnection.of(
        settings(kafka_security_protocol="SASL_PLAINTEXT", **SASL)
    ).aiokafka_options()

    assert options["security_protocol"] == "SASL_PLAINTEXT"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert options["ssl_context"] is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"kafka_security_protocol": "SASL_SSL", "kafka_sasl_username": "lofte"},
            "KAFKA_SECURITY_PROTOCOL=SASL_SSL needs both KAFKA_SASL_USERNAME and "
            "KAFKA_SASL_PASSWORD",
        ),
        (
            {"kafka_security_protocol": "SASL_PLAINTEXT", "kafka_sasl_password": PASSWORD},
            "KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT needs both",
        ),
        (
            SASL,
            "KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD would be ignored with "
            "KAFKA_SECURITY_PROTOCOL=PLAINTEXT: set it to SASL_SSL",
        ),
        (
            {"kafka_security_protocol": "SSL", "kafka_sasl_password": PASSWORD},
            "KAFKA_SASL_PASSWORD would be ignored with KAFKA_SECURITY_PROTOCOL=SSL",
        ),
    ],
)
def test_a_login_that_would_not_happen_is_refused(values: dict[str, Any], message: str) -> None:
    error = refusal(**values)

    assert message in error
    assert PASSWORD not in error


def test_tls_files_without_tls_are_refused(pki: Pki) -> None:
    error = refusal(kafka_security_protocol="SASL_PLAINTEXT", kafka_ssl_ca_file=pki.ca, **SASL)

    assert "KAFKA_SSL_CA_FILE would be ignored with KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT" in error
    assert PASSWORD not in error


def test_an_unreadable_ca_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "ca.pem"

    error = refusal(kafka_security_protocol="SSL", kafka_ssl_ca_file=missing)

    assert f"KAFKA_SSL_CA_FILE {missing} cannot be read (No such file or directory)" in error


def test_a_ca_file_that_holds_no_certificate_is_refused(tmp_path: Path) -> None:
    not_a_certificate = tmp_path / "ca.pem"
    not_a_certificate.write_text("hello\n")

    error = refusal(kafka_security_protocol="SSL", kafka_ssl_ca_file=not_a_certificate)

    assert f"KAFKA_SSL_CA_FILE {not_a_certificate} holds no usable CA certificate" in error


def test_a_key_without_its_certificate_is_refused(pki: Pki) -> None:
    error = refusal(kafka_security_protocol="SSL", kafka_ssl_key_file=pki.client_key)

    assert "a client key needs its certificate: set KAFKA_SSL_CERT_FILE" in error


def test_an_encrypted_key_without_the_right_password_is_refused_without_showing_it(
    pki: Pki,
) -> None:
    error = refusal(
        kafka_security_protocol="SSL",
        kafka_ssl_ca_file=pki.ca,
        kafka_ssl_cert_file=pki.client_cert,
        kafka_ssl_key_file=pki.client_key_encrypted,
        kafka_ssl_key_password="not-" + KEY_PASSWORD,
    )

    assert f"KAFKA_SSL_CERT_FILE {pki.client_cert} and KAFKA_SSL_KEY_FILE" in error
    assert "an encrypted key needs KAFKA_SSL_KEY_PASSWORD" in error
    assert KEY_PASSWORD not in error


def test_the_password_is_in_no_repr_and_no_other_error(tmp_path: Path) -> None:
    configured = settings(kafka_security_protocol="SASL_SSL", **SASL)
    # A mistake elsewhere still lists every value read, unless the settings keep them back.
    error = refusal(kafka_security_protocol="SASL_SSL", http_port=0, **SASL)

    assert PASSWORD not in repr(configured)
    assert PASSWORD not in str(configured.model_dump())
    assert PASSWORD not in repr(KafkaConnection.of(configured))
    assert PASSWORD not in error


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "KAFKA_SECURITY_PROTOCOL=PLAINTEXT: the broker cannot tell this service from"),
        (
            {"kafka_security_protocol": "SSL"},
            "KAFKA_SECURITY_PROTOCOL=SSL without KAFKA_SSL_CERT_FILE",
        ),
        (
            {
                "kafka_security_protocol": "SASL_PLAINTEXT",
                "kafka_sasl_mechanism": "PLAIN",
                **SASL,
            },
            "KAFKA_SASL_MECHANISM=PLAIN over SASL_PLAINTEXT sends the password in the clear",
        ),
    ],
)
def test_production_refuses_a_kafka_client_that_does_not_authenticate(
    values: dict[str, Any], message: str
) -> None:
    error = refusal(**PRODUCTION, **values)

    assert message in error
    assert "(LOFTE_ENV=production)" in error


def test_production_takes_sasl_ssl_or_a_client_certificate(pki: Pki) -> None:
    sasl_ssl = settings(**PRODUCTION, kafka_security_protocol="SASL_SSL", **SASL)
    client_certificate = settings(
        **PRODUCTION,
        kafka_security_protocol="SSL",
        kafka_ssl_ca_file=pki.ca,
        kafka_ssl_cert_file=pki.client_cert,
        kafka_ssl_key_file=pki.client_key,
    )

    assert sasl_ssl.kafka_security_warnings() == []
    assert client_certificate.kafka_security_warnings() == []


def test_unencrypted_scram_starts_in_production_with_a_warning() -> None:
    configured = settings(**PRODUCTION, kafka_security_protocol="SASL_PLAINTEXT", **SASL)

    assert configured.kafka_security_warnings() == [
        "Kafka traffic is not encrypted (KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT): events can "
        "be read on the network"
    ]


def test_no_hostname_check_is_warned_about(pki: Pki) -> None:
    configured = settings(
        kafka_security_protocol="SASL_SSL",
        kafka_ssl_ca_file=pki.ca,
        kafka_ssl_check_hostname=False,
        **SASL,
    )

    assert not configured.kafka_ssl_context().check_hostname  # type: ignore[union-attr]
    assert configured.kafka_security_warnings() == [
        "KAFKA_SSL_CHECK_HOSTNAME=false: any certificate the CA signed is taken for the broker's"
    ]


def test_empty_variables_set_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # What compose passes on for a variable the shell does not have.
    for name in ("KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD", "KAFKA_SSL_CA_FILE"):
        monkeypatch.setenv(name, "")

    assert KafkaConnection.of(settings()).security is None
