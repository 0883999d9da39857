"""Where Kafka is and how to log in to it: the one configuration every Kafka client gets.

The faststream broker (and so every publisher, subscriber, the outbox relay and the dead
letters), the admin client that creates topics and any plain aiokafka client (the metrics
rebuild) are all made from one `KafkaConnection`, built once from the settings by `of`.
"""

import ssl
from dataclasses import dataclass
from typing import Any

from aiokafka.conn import collect_hosts, create_conn
from aiokafka.errors import (
    AuthenticationFailedError,
    IllegalSaslStateError,
    KafkaError,
    KafkaTimeoutError,
    SaslAuthenticationFailed,
    UnsupportedSaslMechanismError,
)
from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from shared.kafka_settings import KafkaSettings, SaslMechanism, SecurityProtocol

_SASL = {
    SaslMechanism.PLAIN: SASLPlaintext,
    SaslMechanism.SCRAM_SHA_256: SASLScram256,
    SaslMechanism.SCRAM_SHA_512: SASLScram512,
}
# The broker answered, and said no to who we claim to be (or we to who it claims to be):
# waiting will not change that. Other TLS errors (a connection cut mid-handshake) may pass.
REFUSED = (
    AuthenticationFailedError,
    SaslAuthenticationFailed,
    UnsupportedSaslMechanismError,
    IllegalSaslStateError,
    ssl.SSLCertVerificationError,
)


def kafka_unreachable(error: BaseException) -> bool:
    """Kafka cannot serve just now (down, restarting, a leader moving, a request timed out):
    the same request can succeed later. A refused login is not among these."""
    if isinstance(error, REFUSED):
        return False
    # aiokafka does not count its timeout as retriable, but a broker away is what it means.
    return isinstance(error, KafkaTimeoutError) or (
        isinstance(error, KafkaError) and error.retriable
    )


class KafkaRefused(Exception):
    """Kafka answered but the service could not log in: its settings need fixing."""


@dataclass(frozen=True, slots=True)
class KafkaConnection:
    bootstrap_servers: str
    security: BaseSecurity | None = None
    # Said in messages about failed logins; never the password.
    identity: str = "without authentication"

    @classmethod
    def of(cls, settings: KafkaSettings) -> "KafkaConnection":
        protocol = settings.kafka_security_protocol
        context = settings.kafka_ssl_context()
        if protocol is SecurityProtocol.PLAINTEXT:
            return cls(settings.kafka_bootstrap_servers)
        if not protocol.uses_sasl:
            identity = (
                "without a client certificate"
                if settings.kafka_ssl_cert_file is None
                else f"with the client certificate {settings.kafka_ssl_cert_file}"
            )
            return cls(settings.kafka_bootstrap_servers, BaseSecurity(context), identity)
        username, password = settings.kafka_sasl_username, settings.kafka_sasl_password
        if username is None or password is None:  # the settings refuse this; for the types
            raise ValueError(f"KAFKA_SECURITY_PROTOCOL={protocol} needs a username and password")
        security = _SASL[settings.kafka_sasl_mechanism](
            username,
            password.get_secret_value(),
            ssl_context=context,
            use_ssl=protocol.uses_tls,
        )
        return cls(
            settings.kafka_bootstrap_servers,
            security,
            f"as {username!r} with {settings.kafka_sasl_mechanism} over {protocol}",
        )

    def aiokafka_options(self) -> dict[str, Any]:
        """Keyword arguments for any aiokafka client (producer, consumer, admin)."""
        return {"bootstrap_servers": self.bootstrap_servers, **parse_security(self.security)}

    async def why_not(self, timeout_seconds: float = 5.0) -> Exception | None:
        """Connect to each bootstrap server as a client would and return why that failed,
        or None once one of them accepts.

        aiokafka reports only that it could not bootstrap; the reason (a refused password,
        an untrusted certificate, nobody listening) is what an operator needs.
        """
        options = parse_security(self.security)
        failure: Exception | None = None
        for host, port, _family in collect_hosts(self.bootstrap_servers):
            try:
                connection = await create_conn(
                    host, port, request_timeout_ms=int(timeout_seconds * 1000), **options
                )
            except Exception as error:  # a refusal, a timeout, nobody listening: all worth saying
                failure = error
                continue
            connection.close()
            return None
        return failure

    def explain(self, error: BaseException) -> str:
        if isinstance(error, ssl.SSLError):
            return (
                f"TLS with Kafka at {self.bootstrap_servers} failed ({self.identity}): "
                f"{describe(error)}; check the KAFKA_SSL_* settings and KAFKA_SECURITY_PROTOCOL"
            )
        if isinstance(error, REFUSED):
            return (
                f"Kafka at {self.bootstrap_servers} refused this service's login "
                f"{self.identity}: {describe(error)}; check the KAFKA_SECURITY_PROTOCOL, "
                "KAFKA_SASL_* and KAFKA_SSL_* settings"
            )
        return f"Kafka at {self.bootstrap_servers}: {describe(error)}"


def describe(error: BaseException) -> str:
    name, text = type(error).__name__, str(error).strip()
    # Kafka's own errors already name themselves ("[Error 58] SaslAuthenticationFailed: …").
    return text if name in text else f"{name}: {text}" if text else name
