"""API keys: random, shown once, stored hashed, compared in constant time. Pure: no I/O.

A key reads `lofte_<key id>_<secret>`. The key id finds the row; the secret (256 random bits)
is checked against its SHA-256. A slow password hash buys nothing for secrets this long.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field

PREFIX = "lofte_"
_KEY = re.compile(r"^lofte_(?P<key_id>[0-9a-f]{16})_(?P<secret>[A-Za-z0-9_-]{43})$")


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key_id: str
    secret_sha256: bytes
    # Shown to the operator once, never stored, and not in a repr (a traceback, a log line).
    plaintext: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class PresentedKey:
    key_id: str
    secret: str = field(repr=False)


def issue() -> IssuedKey:
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return IssuedKey(key_id, digest(secret), f"{PREFIX}{key_id}_{secret}")


def parse(presented: str) -> PresentedKey | None:
    match = _KEY.match(presented)
    return PresentedKey(match["key_id"], match["secret"]) if match else None


def digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def matches(presented: PresentedKey, stored_sha256: bytes) -> bool:
    return hmac.compare_digest(digest(presented.secret), stored_sha256)
