"""The TLS context the Kafka settings build, in real handshakes with a TLS server on loopback
that asks for a client certificate: it trusts the CA named and only that, checks the broker's
name, and presents the client certificate. (The SASL end-to-end tests use a broker without TLS.)
"""

import asyncio
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from shared.messaging.connection import KafkaConnection
from shared.settings import ServiceSettings
from tests.certificates import KEY_PASSWORD, Pki, make_pki


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@asynccontextmanager
async def tls_server(pki: Pki, seen: list[str]) -> AsyncIterator[int]:
    """A loopback TLS server that wants a client certificate; `seen` gets the names of the
    clients it let in."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(pki.ca))
    context.load_cert_chain(pki.server_cert, pki.server_key)
    context.verify_mode = ssl.CERT_REQUIRED

    async def greet(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer: Any = writer.get_extra_info("peercert")
        seen.append(dict(item[0] for item in peer["subject"])["commonName"])
        writer.close()

    server = await asyncio.start_server(greet, "127.0.0.1", 0, ssl=context)
    async with server:
        yield server.sockets[0].getsockname()[1]


def client_settings(pki: Pki, **values: Any) -> ServiceSettings:
    client: dict[str, Any] = {
        "kafka_security_protocol": "SSL",
        "kafka_ssl_cert_file": pki.client_cert,
        "kafka_ssl_key_file": pki.client_key,
    }
    return ServiceSettings(**{**client, **values})


async def handshake(settings: ServiceSettings, port: int, host: str = "127.0.0.1") -> None:
    _reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, ssl=settings.kafka_ssl_context(), server_hostname=host
    )
    await _reader.read()
    writer.close()


async def test_the_ca_named_verifies_the_broker_and_the_client_certificate_is_presented(
    pki: Pki,
) -> None:
    seen: list[str] = []
    async with tls_server(pki, seen) as port:
        await handshake(client_settings(pki, kafka_ssl_ca_file=pki.ca), port)

    assert seen == ["lofte-client"]


async def test_an_encrypted_client_key_opens_with_its_password(pki: Pki) -> None:
    seen: list[str] = []
    settings = client_settings(
        pki,
        kafka_ssl_ca_file=pki.ca,
        kafka_ssl_key_file=pki.client_key_encrypted,
        kafka_ssl_key_password=KEY_PASSWORD,
    )
    async with tls_server(pki, seen) as port:
        await handshake(settings, port)

    assert seen == ["lofte-client"]


async def test_without_the_ca_the_broker_is_not_trusted(pki: Pki) -> None:
    async with tls_server(pki, []) as port:
        with pytest.raises(ssl.SSLCertVerificationError, match="certificate verify failed"):
            await handshake(client_settings(pki), port)


async def test_a_broker_certificate_for_another_name_is_refused_unless_told_not_to_check(
    pki: Pki,
) -> None:
    seen: list[str] = []
    async with tls_server(pki, seen) as port:
        with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
            await handshake(client_settings(pki, kafka_ssl_ca_file=pki.ca), port, "kafka.example")
        unchecked = client_settings(pki, kafka_ssl_ca_file=pki.ca, kafka_ssl_check_hostname=False)
        await handshake(unchecked, port, "kafka.example")

    assert seen == ["lofte-client"]


async def test_an_untrusted_broker_is_explained_as_a_tls_failure(pki: Pki) -> None:
    kafka_settings = client_settings(pki)
    async with tls_server(pki, []) as port:
        kafka = KafkaConnection.of(
            kafka_settings.model_copy(update={"kafka_bootstrap_servers": f"127.0.0.1:{port}"})
        )
        reason = await kafka.why_not()

    assert isinstance(reason, ssl.SSLCertVerificationError)
    assert kafka.explain(reason).startswith(
        f"TLS with Kafka at 127.0.0.1:{port} failed (with the client certificate "
        f"{pki.client_cert}): SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED]"
    )
    assert "check the KAFKA_SSL_* settings" in kafka.explain(reason)
