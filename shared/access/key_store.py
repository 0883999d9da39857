"""API keys in PostgreSQL, in the `access` schema every service reads.

Every statement names the schema: a service's connections resolve names in its own schema.
"""

from dataclasses import dataclass
from datetime import datetime

from shared.access import Principal, Role, keys
from shared.db import Connection


@dataclass(frozen=True, slots=True)
class KeyInfo:
    key_id: str
    organisation: str | None
    role: Role | None
    label: str
    created_at: datetime
    revoked_at: datetime | None


async def create(
    connection: Connection, organisation: str | None, role: Role, label: str = ""
) -> keys.IssuedKey:
    if organisation is None and role is not Role.ADMIN:
        raise ValueError(f"a {role} key belongs to an organisation")
    issued = keys.issue()
    await connection.execute(
        "INSERT INTO access.api_keys (key_id, organisation, role, secret_sha256, label)"
        " VALUES ($1, $2, $3, $4, $5)",
        issued.key_id,
        organisation,
        role.value,
        issued.secret_sha256,
        label,
    )
    return issued


async def principal_of(connection: Connection, presented: str) -> Principal | None:
    """Who holds the key, or None when it is unknown, wrong or revoked."""
    parsed = keys.parse(presented)
    if parsed is None:
        return None
    row = await connection.fetchrow(
        "SELECT organisation, role, label, secret_sha256 FROM access.api_keys"
        " WHERE key_id = $1 AND revoked_at IS NULL",
        parsed.key_id,
    )
    if row is None or not keys.matches(parsed, row["secret_sha256"]):
        return None
    # A key older than roles was a partner system's: it keeps what it could do.
    role = Role(row["role"]) if row["role"] else Role.PARTNER
    label = f" ({row['label']})" if row["label"] else ""
    return Principal(f"key {parsed.key_id}{label}", role, row["organisation"], "key")


async def revoke(connection: Connection, key_id: str) -> bool:
    result = await connection.execute(
        "UPDATE access.api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL",
        key_id,
    )
    return bool(result == "UPDATE 1")


async def list_keys(connection: Connection) -> list[KeyInfo]:
    rows = await connection.fetch(
        "SELECT key_id, organisation, role, label, created_at, revoked_at FROM access.api_keys"
        " ORDER BY organisation NULLS FIRST, created_at"
    )
    return [
        KeyInfo(**{**dict(row), "role": Role(row["role"]) if row["role"] else None}) for row in rows
    ]


async def roleless(connection: Connection) -> list[str]:
    """The ids of valid keys made before keys had roles."""
    rows = await connection.fetch(
        "SELECT key_id FROM access.api_keys WHERE role IS NULL AND revoked_at IS NULL"
        " ORDER BY key_id"
    )
    return [row["key_id"] for row in rows]
