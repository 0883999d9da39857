"""Signed, expiring acknowledge links: `GET /v1/ack?token=…` from a message.

A token names what it acknowledges, one notification by its key, or every notification a
logged delivery carried (a batch: the link stays short however many it told), and when it
stops working; it carries an HMAC-SHA256 of exactly that, keyed with the service's secret.
Whoever holds the link may acknowledge that until then, and nothing else: a changed key or
expiry no longer matches the signature, which is compared in constant time.

    token = base64url(JSON {"n" or "d": key or delivery id, "e": unix expiry})
            "." base64url(HMAC-SHA256(secret, first part))
"""

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlencode

_FIELDS = {"notification": "n", "delivery": "d"}


class InvalidToken(ValueError):
    """The link was not made by this service, was changed, or has expired."""


@dataclass(frozen=True, slots=True)
class AckTarget:
    """What a link acknowledges: a notification (by key) or a delivery's (by its id)."""

    kind: Literal["notification", "delivery"]
    ref: str


@dataclass(frozen=True, slots=True)
class AckLinks:
    secret: bytes
    base_url: str

    def token(self, target: AckTarget, expires_at: datetime) -> str:
        if not target.ref:
            raise ValueError("a link acknowledges something")
        claims = {_FIELDS[target.kind]: target.ref, "e": int(expires_at.timestamp())}
        payload = _encode(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode())
        return f"{payload}.{_encode(self._mac(payload))}"

    def url(self, target: AckTarget, expires_at: datetime) -> str:
        query = urlencode({"token": self.token(target, expires_at)})
        return f"{self.base_url.rstrip('/')}/v1/ack?{query}"

    def verify(self, token: str, now: datetime) -> AckTarget:
        """What the token acknowledges; InvalidToken unless it is intact and current."""
        payload, dot, signature = token.partition(".")
        if not dot or not payload or not signature:
            raise InvalidToken("not an acknowledge token")
        try:
            given = _decode(signature)
        except ValueError:
            raise InvalidToken("not an acknowledge token") from None
        if not hmac.compare_digest(given, self._mac(payload)):
            raise InvalidToken("the link's signature does not match")
        # Only a payload this service signed gets parsed.
        claims = json.loads(_decode(payload))
        if now.astimezone(UTC) >= datetime.fromtimestamp(claims["e"], UTC):
            raise InvalidToken("the link has expired")
        if "d" in claims:
            return AckTarget("delivery", str(claims["d"]))
        return AckTarget("notification", str(claims["n"]))

    def _mac(self, payload: str) -> bytes:
        return hmac.new(self.secret, payload.encode(), hashlib.sha256).digest()


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError(str(error)) from None
