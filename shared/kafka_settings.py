"""How every Kafka client of a service proves who it is and whom it talks to.

`KafkaSettings` holds the security settings every service shares (names as in the
environment: `KAFKA_SECURITY_PROTOCOL`, `KAFKA_SASL_*`, `KAFKA_SSL_*`) and refuses a combination
that would not do what it says: credentials the protocol would ignore, a SASL protocol without
them, a certificate file that cannot be read. `shared.messaging.connection` turns them into
the clients' configuration.
"""

import ssl
from enum import StrEnum
from pathlib import Path
from typing import Self

from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings


class SecurityProtocol(StrEnum):
    PLAINTEXT = "PLAINTEXT"
    SSL = "SSL"
    SASL_PLAINTEXT = "SASL_PLAINTEXT"
    SASL_SSL = "SASL_SSL"

    @property
    def uses_sasl(self) -> bool:
        return self in (SecurityProtocol.SASL_PLAINTEXT, SecurityProtocol.SASL_SSL)

    @property
    def uses_tls(self) -> bool:
        return self in (SecurityProtocol.SSL, SecurityProtocol.SASL_SSL)


class SaslMechanism(StrEnum):
    SCRAM_SHA_256 = "SCRAM-SHA-256"
    SCRAM_SHA_512 = "SCRAM-SHA-512"
    PLAIN = "PLAIN"


class KafkaSettings(BaseSettings):
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_security_protocol: SecurityProtocol = SecurityProtocol.PLAINTEXT
    kafka_sasl_mechanism: SaslMechanism = SaslMechanism.SCRAM_SHA_512
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    # Without a CA file the system's trusted CAs verify the broker (a managed cluster's public
    # certificate); a private CA is named here. Verification itself cannot be turned off.
    kafka_ssl_ca_file: Path | None = None
    # A client certificate, for a listener that authenticates clients by TLS (`SSL`).
    kafka_ssl_cert_file: Path | None = None
    kafka_ssl_key_file: Path | None = None
    kafka_ssl_key_password: SecretStr | None = None
    kafka_ssl_check_hostname: bool = True

    @field_validator("kafka_sasl_username", "kafka_sasl_password", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # `KAFKA_SASL_USERNAME=` (say, an unset variable passed through by compose) sets nothing.
        return None if value == "" else value

    @field_validator(
        "kafka_ssl_ca_file", "kafka_ssl_cert_file", "kafka_ssl_key_file", mode="before"
    )
    @classmethod
    def _empty_path_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _refuse_contradictions(self) -> Self:
        protocol = self.kafka_security_protocol
        credentials = [
            name
            for name, value in (
                ("KAFKA_SASL_USERNAME", self.kafka_sasl_username),
                ("KAFKA_SASL_PASSWORD", self.kafka_sasl_password),
            )
            if value is not None
        ]
        if protocol.uses_sasl and len(credentials) < 2:
            raise ValueError(
                f"KAFKA_SECURITY_PROTOCOL={protocol} needs both KAFKA_SASL_USERNAME and "
                "KAFKA_SASL_PASSWORD"
            )
        if not protocol.uses_sasl and credentials:
            raise ValueError(
                f"{' and '.join(credentials)} would be ignored with "
                f"KAFKA_SECURITY_PROTOCOL={protocol}: set it to SASL_SSL (or SASL_PLAINTEXT) "
                "to log in, or unset them"
            )
        tls_files = {
            "KAFKA_SSL_CA_FILE": self.kafka_ssl_ca_file,
            "KAFKA_SSL_CERT_FILE": self.kafka_ssl_cert_file,
            "KAFKA_SSL_KEY_FILE": self.kafka_ssl_key_file,
        }
        given = [name for name, path in tls_files.items() if path is not None]
        if not protocol.uses_tls and (given or self.kafka_ssl_key_password is not None):
            names = given or ["KAFKA_SSL_KEY_PASSWORD"]
            raise ValueError(
                f"{' and '.join(names)} would be ignored with KAFKA_SECURITY_PROTOCOL={protocol}: "
                "set it to SSL or SASL_SSL, or unset them"
            )
        if self.kafka_ssl_cert_file is None and (
            self.kafka_ssl_key_file is not None or self.kafka_ssl_key_password is not None
        ):
            raise ValueError("a client key needs its certificate: set KAFKA_SSL_CERT_FILE")
        for name, path in tls_files.items():
            if path is not None:
                _check_readable(name, path)
        self.kafka_ssl_context()  # a file that is not what it should be is refused now
        return self

    def kafka_ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context of every Kafka connection, or None when the protocol has no TLS."""
        if not self.kafka_security_protocol.uses_tls:
            return None
        try:
            context = ssl.create_default_context(
                cafile=None if self.kafka_ssl_ca_file is None else str(self.kafka_ssl_ca_file)
            )
        except ssl.SSLError as error:
            raise ValueError(
                f"KAFKA_SSL_CA_FILE {self.kafka_ssl_ca_file} holds no usable CA certificate "
                f"({error.reason or error})"
            ) from None
        context.check_hostname = self.kafka_ssl_check_hostname
        if self.kafka_ssl_cert_file is not None:
            password = self.kafka_ssl_key_password
            try:
                context.load_cert_chain(
                    self.kafka_ssl_cert_file,
                    self.kafka_ssl_key_file,
                    password=None if password is None else password.get_secret_value(),
                )
            except ssl.SSLError as error:
                raise ValueError(
                    f"KAFKA_SSL_CERT_FILE {self.kafka_ssl_cert_file} and KAFKA_SSL_KEY_FILE "
                    f"{self.kafka_ssl_key_file} are not a usable certificate and key "
                    f"({error.reason or error}; an encrypted key needs KAFKA_SSL_KEY_PASSWORD)"
                ) from None
        return context

    def kafka_security_problems(self) -> list[str]:
        """What makes this unfit for production: nothing proves to the broker who we are, or
        a password would cross the network readable."""
        protocol = self.kafka_security_protocol
        if protocol is SecurityProtocol.PLAINTEXT:
            return [
                "KAFKA_SECURITY_PROTOCOL=PLAINTEXT: the broker cannot tell this service from "
                "anyone else who reaches it; use SASL_SSL (or SSL with a client certificate)"
            ]
        if protocol is SecurityProtocol.SSL and self.kafka_ssl_cert_file is None:
            return [
                "KAFKA_SECURITY_PROTOCOL=SSL without KAFKA_SSL_CERT_FILE: the connection is "
                "encrypted but the service does not authenticate; use SASL_SSL or a client "
                "certificate"
            ]
        if protocol is SecurityProtocol.SASL_PLAINTEXT and (
            self.kafka_sasl_mechanism is SaslMechanism.PLAIN
        ):
            return [
                "KAFKA_SASL_MECHANISM=PLAIN over SASL_PLAINTEXT sends the password in the clear; "
                "use SASL_SSL or a SCRAM mechanism"
            ]
        return []

    def kafka_security_warnings(self) -> list[str]:
        """Allowed, but worth an operator's second look."""
        warnings = []
        if self.kafka_security_protocol is SecurityProtocol.SASL_PLAINTEXT:
            warnings.append(
                "Kafka traffic is not encrypted (KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT): "
                "events can be read on the network"
            )
        if self.kafka_security_protocol.uses_tls and not self.kafka_ssl_check_hostname:
            warnings.append(
                "KAFKA_SSL_CHECK_HOSTNAME=false: any certificate the CA signed is taken for "
                "the broker's"
            )
        return warnings


def _check_readable(name: str, path: Path) -> None:
    try:
        with path.open("rb") as file:
            file.read(1)
    except OSError as error:
        raise ValueError(f"{name} {path} cannot be read ({error.strerror or error})") from None
