"""Databases of a test's own, for fixtures of any scope."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit, urlunsplit

import asyncpg


@asynccontextmanager
async def fresh_database(server_url: str) -> AsyncIterator[str]:
    """The URL of a new, empty database on the server at `server_url`; dropped afterwards."""
    name = f"lofte_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        admin = await asyncpg.connect(server_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@asynccontextmanager
async def owned_by_login_role(database_url: str, password: str) -> AsyncIterator[str]:
    """The URL of the database at `database_url` as a new role that owns it and logs in
    with `password`, as a production service would; the role is dropped afterwards."""
    role = f"lofte_test_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(database_url)
    admin = await asyncpg.connect(database_url)
    try:
        # DDL takes no parameters; the role is ours and the password the test's own.
        await admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        await admin.execute(f'ALTER DATABASE "{parts.path.lstrip("/")}" OWNER TO {role}')
    finally:
        await admin.close()
    host = parts.netloc.rpartition("@")[2]
    try:
        yield urlunsplit(parts._replace(netloc=f"{role}:{password}@{host}"))
    finally:
        admin = await asyncpg.connect(database_url)
        try:
            await admin.execute(f"REASSIGN OWNED BY {role} TO CURRENT_USER")
            await admin.execute(f"DROP OWNED BY {role}")
            await admin.execute(f"DROP ROLE {role}")
        finally:
            await admin.close()
