"""Webhook signatures per the Standard Webhooks scheme (standardwebhooks.com).

The sender signs `{webhook-id}.{webhook-timestamp}.{body}` with HMAC-SHA256 and sends
`v1,<base64>` in `webhook-signature`. The id lets a receiver drop a redelivery; the signed
timestamp keeps a captured request from being replayed after the tolerance has passed.
A receiver in the middle of a secret rotation may list several signatures.
"""

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

SECRET_PREFIX = "whsec_"  # noqa: S105 - the scheme's marker for a base64 secret, not one
DEFAULT_TOLERANCE = timedelta(seconds=300)


class InvalidSignature(ValueError):
    """The request is not one the holder of the secret sent just now."""


def secret_bytes(secret: str | bytes) -> bytes:
    """A `whsec_` secret is base64 after the prefix; any other is used as its UTF-8 bytes."""
    if isinstance(secret, bytes):
        key = secret
    elif secret.startswith(SECRET_PREFIX):
        try:
            key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
        except binascii.Error as error:
            raise ValueError("a whsec_ secret must be base64 after the prefix") from error
    else:
        key = secret.encode()
    if not key:
        raise ValueError("an empty secret signs nothing")
    return key


def sign(payload: bytes | str, *, secret: str | bytes, webhook_id: str, timestamp: int) -> str:
    """The value of `webhook-signature` for this body, id and unix timestamp."""
    if not webhook_id or any(c == "." or c.isspace() for c in webhook_id):
        # A dot would make the signed content ambiguous between id and timestamp.
        raise ValueError("a webhook id is non-empty, without dots or whitespace")
    return f"v1,{_signature(_bytes(payload), secret_bytes(secret), webhook_id, str(timestamp))}"


def signed_headers(
    payload: bytes | str, *, secret: str | bytes, webhook_id: str, timestamp: int
) -> dict[str, str]:
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(
            payload, secret=secret, webhook_id=webhook_id, timestamp=timestamp
        ),
    }


def verify(
    payload: bytes | str,
    headers: Mapping[str, str],
    secret: str | bytes,
    *,
    tolerance: timedelta = DEFAULT_TOLERANCE,
    now: datetime | None = None,
) -> None:
    """Raise InvalidSignature unless one `v1` signature matches and the timestamp is fresh.

    `headers` may be any mapping; names are matched regardless of case.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    try:
        webhook_id = lowered["webhook-id"]
        stamp = lowered["webhook-timestamp"]
        signatures = lowered["webhook-signature"]
    except KeyError as missing:
        raise InvalidSignature(f"missing header {missing.args[0]}") from None
    # int() would also take "+1", " 1" and "1_0"; the scheme's timestamp is plain digits.
    if not (stamp.isascii() and stamp.isdigit()):
        raise InvalidSignature("webhook-timestamp is not a unix time in seconds")
    sent_at = datetime.fromtimestamp(int(stamp), UTC)
    now = datetime.now(UTC) if now is None else now
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if abs(now - sent_at) > tolerance:
        raise InvalidSignature(f"webhook-timestamp {stamp} is outside the tolerance")
    expected = _signature(_bytes(payload), secret_bytes(secret), webhook_id, stamp).encode()
    # Compare against every v1 signature, without stopping at the first match, so the time
    # taken says nothing about which one matched.
    matched = False
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1":
            matched |= hmac.compare_digest(expected, value.encode())
    if not matched:
        raise InvalidSignature("no matching v1 signature")


def _signature(body: bytes, key: bytes, webhook_id: str, stamp: str) -> str:
    signed = f"{webhook_id}.{stamp}.".encode() + body
    return base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def _bytes(payload: bytes | str) -> bytes:
    return payload.encode() if isinstance(payload, str) else payload
