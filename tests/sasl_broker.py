"""A Kafka broker of the tests' own whose clients must log in with SASL/SCRAM-SHA-512, over
TLS (SASL_SSL, with a throwaway CA) or not (SASL_PLAINTEXT)."""

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.certificates import make_pki
from tests.own_kafka import own_kafka


@dataclass(frozen=True)
class SaslBroker:
    bootstrap_servers: str
    protocol: str
    username: str
    password: str = field(repr=False)
    ca_file: Path | None = None

    def client_env(self, password: str | None = None) -> dict[str, str]:
        """What a service needs to log in; another `password` to be turned away."""
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "KAFKA_SECURITY_PROTOCOL": self.protocol,
            "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "KAFKA_SASL_USERNAME": self.username,
            "KAFKA_SASL_PASSWORD": self.password if password is None else password,
        }
        if self.ca_file is not None:
            env["KAFKA_SSL_CA_FILE"] = str(self.ca_file)
        return env


@contextlib.contextmanager
def sasl_broker(folder: Path, *, tls: bool) -> Iterator[SaslBroker]:
    username, password = "lofte-test", secrets.token_urlsafe(18)
    options = {"LOFTE_KAFKA_SASL_USERNAME": username, "LOFTE_KAFKA_SASL_PASSWORD": password}
    pki = make_pki(folder) if tls else None
    if pki is not None:
        options["LOFTE_KAFKA_TLS_CERT_FILE"] = str(pki.server_cert)
        options["LOFTE_KAFKA_TLS_KEY_FILE"] = str(pki.server_key)
    kafka = own_kafka(folder, options)
    kafka.start()
    try:
        yield SaslBroker(
            kafka.bootstrap,
            "SASL_SSL" if tls else "SASL_PLAINTEXT",
            username,
            password,
            ca_file=None if pki is None else pki.ca,
        )
    finally:
        kafka.stop()
