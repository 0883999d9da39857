"""Forward-only SQL migrations, one folder per service, applied at start.

Files are named `NNNN_what.sql` and run in order, each in its own transaction with the
service's schema first on the search path. An advisory lock keeps instances starting at once
from applying the same file twice, or racing to create the schema.
"""

import logging
import re
from pathlib import Path

from shared.db import Connection

log = logging.getLogger(__name__)

MIGRATION_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migration_files(folder: Path) -> list[Path]:
    files = sorted(path for path in folder.iterdir() if MIGRATION_FILE.match(path.name))
    versions = [path.name[:4] for path in files]
    if len(set(versions)) != len(versions):
        raise ValueError(f"two migrations share a number in {folder}")
    return files


async def migrate(connection: Connection, schema: str, folder: Path) -> list[str]:
    """Apply the migrations of `folder` not yet applied to `schema`; return their names."""
    ident = quote_ident(schema)
    # Held before the transaction begins: a transaction that took it inside would look up
    # the catalog as it was before the other instance's migration committed, and find the
    # schema it had just created missing ("duplicate key ... pg_namespace").
    await connection.execute("SELECT pg_advisory_lock(hashtext($1))", schema)
    try:
        return await _migrate_locked(connection, schema, ident, folder)
    finally:
        await connection.execute("SELECT pg_advisory_unlock(hashtext($1))", schema)


async def _migrate_locked(
    connection: Connection, schema: str, ident: str, folder: Path
) -> list[str]:
    applied_now: list[str] = []
    async with connection.transaction():
        await connection.execute(f"CREATE SCHEMA IF NOT EXISTS {ident}")
        await connection.execute(
            f"CREATE TABLE IF NOT EXISTS {ident}.schema_migrations ("
            " name text PRIMARY KEY,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {
            row["name"]
            for row in await connection.fetch(f"SELECT name FROM {ident}.schema_migrations")  # noqa: S608
        }
        for path in migration_files(folder):
            if path.name in done:
                continue
            await connection.execute(f"SET LOCAL search_path = {ident}")
            await connection.execute(path.read_text(encoding="utf-8"))
            await connection.execute(
                f"INSERT INTO {ident}.schema_migrations (name) VALUES ($1)",  # noqa: S608
                path.name,
            )
            applied_now.append(path.name)
    if applied_now:
        log.info("applied migrations to %s: %s", schema, ", ".join(applied_now))
    return applied_now


def quote_ident(name: str) -> str:
    """A schema name safe to splice into SQL: only plain lower-case identifiers pass."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"not a plain schema name: {name!r}")
    return f'"{name}"'
