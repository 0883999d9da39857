"""API keys in PostgreSQL."""

from dataclasses import dataclass
from datetime import datetime

from services.activities import keys
from shared.db import Connection


@dataclass(frozen=True, slots=True)
class KeyInfo:
    key_id: str
    organisation: str
    label: str
    created_at: datetime
    revoked_at: datetime | None


async def create(connection: Connection, organisation: str, label: str = "") -> keys.IssuedKey:
    issued = keys.issue()
    await connection.execute(
        "INSERT INTO api_keys (key_id, organisation, secret_sha256, label) VALUES ($1, $2, $3, $4)",
        issued.key_id,
        organisation,
        issued.secret_sha256,
        label,
    )
    return issued


async def organisation_of(connection: Connection, presented: str) -> str | None:
    """The organisation a key belongs to, or None when it is unknown, wrong or revoked."""
    parsed = keys.parse(presented)
    if parsed is None:
        return None
    row = await connection.fetchrow(
        "SELECT organisation, secret_sha256 FROM api_keys WHERE key_id = $1 AND revoked_at IS NULL",
        parsed.key_id,
    )
    if row is None or not keys.matches(parsed, row["secret_sha256"]):
        return None
    organisation: str = row["organisation"]
    return organisation


async def revoke(connection: Connection, key_id: str) -> bool:
    result = await connection.execute(
        "UPDATE api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL", key_id
    )
    return bool(result == "UPDATE 1")


async def list_keys(connection: Connection) -> list[KeyInfo]:
    rows = await connection.fetch(
        "SELECT key_id, organisation, label, created_at, revoked_at FROM api_keys"
        " ORDER BY organisation, created_at"
    )
    return [KeyInfo(**dict(row)) for row in rows]
