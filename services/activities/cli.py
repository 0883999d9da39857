"""`lofte keys …`, `lofte events validate …` and `lofte import …`: the activities service's
operator commands.

The keys live in the `access` schema every service reads (`shared.access`); they are
managed here, where partner systems' keys always were."""

import argparse
import asyncio
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import asyncpg

from services.activities import (
    SCHEMA,
    csv_import,
    event_files,
    handlers,
    offline_check,
    receipt_cli,
)
from services.activities.domain import AcceptedEvent, Catalogue, Forbidden, accept, authorize
from services.activities.main import MIGRATIONS, load_catalogue
from services.activities.settings import ActivitiesSettings
from shared import access
from shared.access import Role, key_store
from shared.cli import promise
from shared.cli.app import run_command
from shared.cli.progress import progress_bar
from shared.cli.registry import Commands, add_command, add_group
from shared.contracts import topics
from shared.contracts.cloudevents import parse_structured
from shared.contracts.errors import InvalidEvent
from shared.db.migrations import migrate
from shared.db.pool import create_pool

IMPORT_BATCH = 1000


def register(commands: Commands) -> None:
    keys = add_group(
        commands,
        "keys",
        "API keys of partner systems, staff scripts and admins",
        "Create, list and revoke API keys.",
    )
    create = add_command(
        keys,
        "create",
        "create a key for an organisation; prints only the key",
        lambda args: asyncio.run(create_key(args.org, args.label, Role(args.role))),
    )
    create.add_argument("--org", help="organisation id, e.g. polisen (an admin may have none)")
    create.add_argument(
        "--role",
        choices=[role.value for role in Role],
        default=Role.PARTNER.value,
        help="partner: sends events and reads them; staff: reads and acts for its "
        "organisation; admin: everything (default: partner)",
    )
    create.add_argument("--label", default="", help="what the key is for, e.g. the system")
    add_command(keys, "list", "list keys (never their secrets)", lambda _: asyncio.run(list_keys()))
    revoke = add_command(
        keys, "revoke", "revoke a key by its id", lambda args: asyncio.run(revoke_key(args.key_id))
    )
    revoke.add_argument("key_id")

    events = add_group(
        commands,
        "events",
        "events: checked before they are sent, and what became of them",
        "Check files of events against the contract and the loaded promises, and show what "
        "became of an event sent.",
    )
    receipt_cli.register(events)
    validate = add_command(
        events,
        "validate",
        "check every event of a file as the API would, sending nothing",
        lambda args: validate_events(args.file, args.org, args.format),
        description=offline_check.__doc__,
    )
    validate.add_argument("file", type=Path, metavar="FILE")
    validate.add_argument(
        "--org", help="also check what this organisation may report (the API's 403)"
    )
    validate.add_argument(
        "--format",
        choices=event_files.FORMATS,
        help="json (one event or an array), jsonl (one event a line) or csv (as `lofte import` "
        "reads it); by default from the file's suffix",
    )

    importer = commands.add_parser(
        "import",
        help="import events from a CSV file",
        description=csv_import.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    importer.add_argument("file", type=Path)
    importer.add_argument("--org", required=True, help="the organisation reporting the rows")
    importer.set_defaults(handler=lambda args: asyncio.run(import_csv(args.file, args.org)))


def validate_events(path: Path, organisation: str | None, kind: event_files.Format | None) -> int:
    catalogue = load_catalogue(ActivitiesSettings())
    if organisation is not None and organisation not in catalogue.parties:
        known = ", ".join(sorted(catalogue.parties))
        print(f"unknown organisation {organisation!r}; known: {known}", file=sys.stderr)
        return 2
    return offline_check.validate_file(path, catalogue, organisation, kind)


async def _pool() -> asyncpg.Pool:
    settings = ActivitiesSettings()
    pool = await create_pool(str(settings.database_url), SCHEMA, max_size=2)
    async with pool.acquire() as connection:
        await migrate(connection, access.SCHEMA, access.MIGRATIONS)
        await migrate(connection, SCHEMA, MIGRATIONS)
    return pool


async def create_key(organisation: str | None, label: str, role: Role = Role.PARTNER) -> int:
    known = load_catalogue(ActivitiesSettings()).parties
    if organisation is None and role is not Role.ADMIN:
        print(f"a {role} key needs --org", file=sys.stderr)
        return 2
    if organisation is not None and organisation not in known:
        known_list = ", ".join(sorted(known))
        print(f"unknown organisation {organisation!r}; known: {known_list}", file=sys.stderr)
        return 2
    pool = await _pool()
    try:
        async with pool.acquire() as connection:
            issued = await key_store.create(connection, organisation, role, label)
    finally:
        await pool.close()
    whose = f"for {organisation}" if organisation else "for no organisation"
    print(f"created {role} key {issued.key_id} {whose}; it is shown only now", file=sys.stderr)
    print(issued.plaintext)
    return 0


async def list_keys() -> int:
    pool = await _pool()
    try:
        async with pool.acquire() as connection:
            entries = await key_store.list_keys(connection)
    finally:
        await pool.close()
    print(f"{'KEY ID':<18}{'ORGANISATION':<20}{'ROLE':<9}{'CREATED':<18}{'REVOKED':<18}LABEL")
    for entry in entries:
        revoked = entry.revoked_at.strftime("%Y-%m-%d %H:%M") if entry.revoked_at else "-"
        created = entry.created_at.strftime("%Y-%m-%d %H:%M")
        # A key made before roles shows none: production refuses to start while it is valid.
        role = entry.role or "(none)"
        print(
            f"{entry.key_id:<18}{entry.organisation or '-':<20}{role:<9}{created:<18}"
            f"{revoked:<18}{entry.label}"
        )
    return 0


async def revoke_key(key_id: str) -> int:
    pool = await _pool()
    try:
        async with pool.acquire() as connection:
            revoked = await key_store.revoke(connection, key_id)
    finally:
        await pool.close()
    if not revoked:
        print(f"no active key {key_id}", file=sys.stderr)
        return 1
    print(f"revoked {key_id}", file=sys.stderr)
    return 0


async def import_csv(path: Path, organisation: str, out: TextIO | None = None) -> int:
    out = out or sys.stderr
    settings = ActivitiesSettings()
    catalogue = load_catalogue(settings)
    topic = topics.ACTIVITIES.qualified(settings.topic_namespace)
    total = csv_import.count_rows(path)
    rejected: list[tuple[int, str]] = []
    outcome: Counter[str] = Counter()
    pending: list[AcceptedEvent] = []
    show = progress_bar(out)
    pool = await _pool()
    try:
        for done, (line, document) in enumerate(csv_import.rows(path), start=1):
            try:
                pending.append(_check(document, organisation, catalogue))
            except InvalidEvent as error:
                rejected.append((line, str(error)))
            if len(pending) >= IMPORT_BATCH:
                outcome.update(await _store(pool, pending, organisation, topic))
                pending = []
            show(done, total)
        outcome.update(await _store(pool, pending, organisation, topic))
    finally:
        await pool.close()
    print(file=out)
    print(
        f"{outcome['new']} imported, {outcome['duplicate']} already there, "
        f"{len(rejected)} rejected",
        file=out,
    )
    for line, reason in rejected:
        print(f"  line {line}: {reason}", file=out)
    return 1 if rejected else 0


def _check(document: dict[str, Any], organisation: str, catalogue: Catalogue) -> AcceptedEvent:
    accepted = accept(parse_structured(document), datetime.now(UTC), catalogue)
    try:
        authorize(accepted, organisation, catalogue)
    except Forbidden as error:
        raise InvalidEvent.single("organisation", str(error)) from None
    return accepted


async def _store(
    pool: asyncpg.Pool, accepted: Sequence[AcceptedEvent], organisation: str, topic: str
) -> Counter[str]:
    if not accepted:
        return Counter()
    async with pool.acquire() as connection, connection.transaction():
        new = await handlers.register(connection, list(accepted), organisation, topic)
    return Counter(new=len(new), duplicate=len(accepted) - len(new))


def main(argv: Sequence[str] | None = None) -> int:
    """The activities commands alone, for an image that holds only this service:
    `python -m services.activities.cli keys create --org polisen`."""
    return run_command((promise.register, register), argv)


if __name__ == "__main__":
    raise SystemExit(main())
