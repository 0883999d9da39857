import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from services.notifications.channels.signing import (
    InvalidSignature,
    secret_bytes,
    sign,
    signed_headers,
    verify,
)

KEY = b"a secret of 32 bytes, not random"
OLD_KEY = b"the key before the rotation"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
BODY = '{"kind":"occurrence.missed","title":"SNÖ-möte"}'.encode()
SENT = datetime(2017, 4, 10, 8, 30, tzinfo=UTC)
STAMP = int(SENT.timestamp())


def headers(**changes: str) -> dict[str, str]:
    return {**signed_headers(BODY, secret=SECRET, webhook_id="n-123", timestamp=STAMP), **changes}


def test_the_signature_is_hmac_sha256_over_id_timestamp_and_body() -> None:
    signed = b"n-123." + str(STAMP).encode() + b"." + BODY
    expected = base64.b64encode(hmac.new(KEY, signed, hashlib.sha256).digest()).decode()

    assert sign(BODY, secret=SECRET, webhook_id="n-123", timestamp=STAMP) == f"v1,{expected}"
    assert headers() == {
        "webhook-id": "n-123",
        "webhook-timestamp": str(STAMP),
        "webhook-signature": f"v1,{expected}",
    }


def test_a_whsec_secret_is_base64_and_any_other_its_utf8_bytes() -> None:
    assert secret_bytes(SECRET) == KEY
    assert secret_bytes("lösenord") == "lösenord".encode()
    assert secret_bytes(KEY) == KEY
    with pytest.raises(ValueError, match="base64"):
        secret_bytes("whsec_not base64!")
    with pytest.raises(ValueError, match="empty"):
        secret_bytes("")


def test_what_was_signed_verifies_within_the_tolerance() -> None:
    verify(BODY, headers(), SECRET, now=SENT)
    verify(BODY.decode(), headers(), KEY, now=SENT + timedelta(seconds=300))
    verify(BODY, {k.title(): v for k, v in headers().items()}, SECRET, now=SENT)


def test_any_one_of_several_signatures_may_match() -> None:
    old = sign(BODY, secret=OLD_KEY, webhook_id="n-123", timestamp=STAMP)
    new = headers()["webhook-signature"]

    verify(BODY, headers(**{"webhook-signature": f"v1a,ZmFrZQ== {old} {new}"}), SECRET, now=SENT)


@pytest.mark.parametrize(
    ("body", "changes", "secret", "reason"),
    [
        (BODY + b" ", {}, SECRET, "no matching"),
        (BODY, {"webhook-id": "n-124"}, SECRET, "no matching"),
        (BODY, {}, "whsec_" + base64.b64encode(b"another key").decode(), "no matching"),
        (BODY, {"webhook-timestamp": str(STAMP + 1)}, SECRET, "no matching"),
        (BODY, {"webhook-signature": "v2,abc"}, SECRET, "no matching"),
        (BODY, {"webhook-timestamp": f"+{STAMP}"}, SECRET, "not a unix time"),
        (BODY, {"webhook-timestamp": "1_491_813_000"}, SECRET, "not a unix time"),
    ],
)
def test_anything_changed_fails(
    body: bytes, changes: dict[str, str], secret: str, reason: str
) -> None:
    with pytest.raises(InvalidSignature, match=reason):
        verify(body, headers(**changes), secret, now=SENT)


def test_a_stale_or_future_timestamp_is_refused() -> None:
    with pytest.raises(InvalidSignature, match="tolerance"):
        verify(BODY, headers(), SECRET, now=SENT + timedelta(seconds=301))
    with pytest.raises(InvalidSignature, match="tolerance"):
        verify(BODY, headers(), SECRET, now=SENT - timedelta(seconds=301))
    verify(BODY, headers(), SECRET, now=SENT + timedelta(hours=1), tolerance=timedelta(hours=2))


def test_a_missing_header_is_named() -> None:
    incomplete = headers()
    del incomplete["webhook-timestamp"]

    with pytest.raises(InvalidSignature, match="webhook-timestamp"):
        verify(BODY, incomplete, SECRET, now=SENT)


def test_an_id_that_would_blur_the_signed_content_is_refused() -> None:
    with pytest.raises(ValueError, match="dots"):
        sign(BODY, secret=SECRET, webhook_id="n.1", timestamp=STAMP)
