"""EmailChannel over STARTTLS and implicit TLS, against aiosmtpd with a throwaway certificate.

The certificate below is self-signed for localhost and 127.0.0.1, valid until 2126, and
exists only for these tests (the stdlib cannot make one, and calling `openssl` would make
the tests depend on it). The channel is told to trust it through `cert_bundle`, which is
how a relay with a private CA is configured too.
"""

import ssl
from pathlib import Path

import pytest

from services.notifications.channels import EmailChannel
from tests.unit.test_channels_smtp import TO, Inbox, message, settings, smtp_server

TEST_ONLY_CERTIFICATE = """\
-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIULLAOE862lfRozQuSGvXpyr/kc3QwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNjExNDQwM1oYDzIxMjYxMTAy
MTE0NDAzWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAT3aatSSGL8HVhm9xoTFoFlV20aBJIoIOxehzSrfw8LpkxakWSwrvae
oJnjbfc2qkn/AgoCXyYdxh4OqExCYJ6ao28wbTAdBgNVHQ4EFgQU1fLWJM8x55zW
vxcdpKpwuLPMSiowHwYDVR0jBBgwFoAU1fLWJM8x55zWvxcdpKpwuLPMSiowDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSAAwRQIgO0oYV9wa5vh1KhLp5c6cmFgz1tnfLJtMrx/sYtvgYFgCIQCD
rvY0vQ2VVb37MZbb6w1ezDI+nosjwLwOudSUNDT5mQ==
-----END CERTIFICATE-----
"""
TEST_ONLY_KEY = """\
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgkVDG74FsMDJfkvbB
rV0H63rIj9BNgLpj36bhudj6OxChRANCAAT3aatSSGL8HVhm9xoTFoFlV20aBJIo
IOxehzSrfw8LpkxakWSwrvaeoJnjbfc2qkn/AgoCXyYdxh4OqExCYJ6a
-----END PRIVATE KEY-----
"""


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    path = tmp_path / "localhost.pem"
    path.write_text(TEST_ONLY_CERTIFICATE)
    return path


@pytest.fixture
def server_tls(tmp_path: Path, certificate: Path) -> ssl.SSLContext:
    key = tmp_path / "localhost.key"
    key.write_text(TEST_ONLY_KEY)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, key)
    return context


async def test_starttls_upgrades_before_anything_is_sent(
    server_tls: ssl.SSLContext, certificate: Path
) -> None:
    inbox = Inbox()
    async with smtp_server(inbox, tls_context=server_tls, require_starttls=True) as server:
        channel = EmailChannel(settings(server.port, starttls=True, cert_bundle=str(certificate)))
        result = await channel.send(message(), TO, key="n-1")

    assert result.outcome == "delivered", result
    assert len(inbox.received) == 1


async def test_a_server_that_requires_starttls_refuses_plain_text(
    server_tls: ssl.SSLContext,
) -> None:
    inbox = Inbox()
    async with smtp_server(inbox, tls_context=server_tls, require_starttls=True) as server:
        result = await EmailChannel(settings(server.port)).send(message(), TO, key="n-1")

    assert (result.outcome, result.code) == ("permanent", 530)
    assert inbox.received == []


async def test_implicit_tls_speaks_tls_from_the_first_byte(
    server_tls: ssl.SSLContext, certificate: Path
) -> None:
    inbox = Inbox()
    async with smtp_server(inbox, ssl_context=server_tls) as server:
        channel = EmailChannel(settings(server.port, use_tls=True, cert_bundle=str(certificate)))
        result = await channel.send(message(), TO, key="n-1")

    assert result.outcome == "delivered", result
    assert len(inbox.received) == 1


async def test_an_untrusted_certificate_gets_nothing(server_tls: ssl.SSLContext) -> None:
    inbox = Inbox()
    async with smtp_server(inbox, tls_context=server_tls, require_starttls=True) as server:
        result = await EmailChannel(settings(server.port, starttls=True)).send(
            message(), TO, key="n-1"
        )

    # A certificate may be fixed without any change here, so this is worth retrying.
    assert result.outcome == "temporary"
    assert "CERTIFICATE_VERIFY_FAILED" in result.detail
    assert inbox.received == []
