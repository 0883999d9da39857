"""`lofte notifications`: check a routing file, and ask where a notification would go.

Both work on the file alone, without the service or its database, so a routing change can
be checked before it is deployed.
"""

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from services.notifications.domain import (
    DEFAULT_ROUTING_FILE,
    LABEL_NAMES,
    RoutingConfig,
    RoutingFileError,
    dry_run,
)
from services.notifications.settings import load_routing
from shared.cli.registry import Commands, add_command, add_group
from shared.contracts.cloudevents import Instant

INSTANT: TypeAdapter[datetime] = TypeAdapter(Instant)


def register(commands: Commands) -> None:
    group = add_group(
        commands,
        "notifications",
        "check routing files and dry-run them",
        "Who is told what, and when: the notifications service's routing file.",
    )
    check = add_command(
        group,
        "check",
        "check a routing file; list every problem with file:line:column",
        _check,
        description="Exits 0 when the file is valid, 1 otherwise. Also says whether it still "
        "has example addresses (which production refuses).",
    )
    check.add_argument("file", nargs="?", type=Path, default=DEFAULT_ROUTING_FILE)
    route = add_command(
        group,
        "dry-run",
        "where a notification with these labels would go, as JSON",
        _dry_run,
        description=f"Labels as NAME=VALUE; known names: {', '.join(sorted(LABEL_NAMES))}.",
    )
    route.add_argument("labels", nargs="+", metavar="NAME=VALUE")
    route.add_argument("--file", type=Path, default=DEFAULT_ROUTING_FILE)
    route.add_argument(
        "--at",
        type=instant,
        metavar="TIME",
        help="also say whether mute timings hold then, e.g. 2017-05-16T23:00:00+02:00",
    )


def instant(text: str) -> datetime:
    """An ISO 8601 time with its zone, as the HTTP dry run takes it."""
    try:
        return INSTANT.validate_python(text)
    except ValidationError as error:
        reason = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise argparse.ArgumentTypeError(f"{text!r}: {reason}") from None


def _load(path: Path) -> RoutingConfig | None:
    try:
        return load_routing(path)
    except RoutingFileError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
    except OSError as error:
        print(f"{path}: cannot read: {error.strerror or error}", file=sys.stderr)
    return None


def _check(args: argparse.Namespace) -> int:
    config = _load(args.file)
    if config is None:
        return 1
    routes = len(config.route.routes)
    print(f"{args.file}: ok, {len(config.contact_points)} contact points, {routes} routes")
    if config.uses_example_addresses:
        print(f"{args.file}: still has example addresses: not for production", file=sys.stderr)
    return 0


def _dry_run(args: argparse.Namespace) -> int:
    labels = dict(label.partition("=")[::2] for label in args.labels)
    unknown = sorted(set(labels) - LABEL_NAMES) + [k for k in labels if not k]
    if unknown or any("=" not in label for label in args.labels):
        print(f"write labels as NAME=VALUE with known names; not: {unknown}", file=sys.stderr)
        return 2
    config = _load(args.file)
    if config is None:
        return 1
    print(json.dumps(dry_run(config, labels, args.at), ensure_ascii=False, indent=2))
    return 0
