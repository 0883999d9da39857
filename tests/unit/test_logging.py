"""What the services' logging leaves out."""

import logging

import httpx
import pytest

from shared.observability import configure_logging

URL_CREDENTIAL = "hook-url-token-Pz7Wd2Kq9"  # made up, to be looked for


async def test_a_request_url_with_a_credential_is_not_logged_even_at_debug(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("notifications", "DEBUG")
    transport = httpx.MockTransport(lambda request: httpx.Response(204))

    async with httpx.AsyncClient(transport=transport) as client:
        answer = await client.post(f"https://hooks.example.org/hook?token={URL_CREDENTIAL}")
    logging.getLogger("services.notifications.workers.delivery_sender").info("delivered by webhook")

    assert answer.status_code == 204
    logged = capsys.readouterr().err
    assert "delivered by webhook" in logged  # the log is captured here
    assert URL_CREDENTIAL not in logged
