"""`lofte promise`: check promise files, show the shipped promise, print the schema."""

import argparse
import sys
from pathlib import Path

from shared.cli.promise_table import render_promise
from shared.cli.registry import Commands, add_command, add_group
from shared.promises import PromiseFileError, default_promises, load_promise
from shared.promises.loader import DEFAULT_PROMISE_ID
from shared.promises.schema import schema_text


def register(commands: Commands) -> None:
    group = add_group(
        commands,
        "promise",
        summary="check, show and describe promise files",
        description="Promises as data: YAML files checked against the model Löfte runs on.",
    )
    validate = add_command(
        group,
        "validate",
        "check promise files; list every problem with file:line:column",
        _validate,
        description="Check each promise FILE. Exits 0 when all are valid, 1 otherwise.",
    )
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE", help="a promise YAML")
    show = add_command(group, "show", "summarise a promise that ships with Löfte", _show)
    show.add_argument(
        "promise_id",
        nargs="?",
        default=DEFAULT_PROMISE_ID,
        metavar="ID",
        help=f"the promise's id (default: {DEFAULT_PROMISE_ID})",
    )
    add_command(group, "schema", "print the JSON Schema of a promise file", _schema)


def _validate(args: argparse.Namespace) -> int:
    files: list[Path] = args.files
    failed = 0
    for path in files:
        try:
            promise = load_promise(path)
        except PromiseFileError as error:
            failed += 1
            for problem in error.problems:
                print(problem, file=sys.stderr)
        except OSError as error:
            failed += 1
            print(f"{path}: cannot read: {error.strerror or error}", file=sys.stderr)
        else:
            print(
                f"{path}: ok, {promise.id}: {len(promise.commitments)} commitments, "
                f"{len(promise.outcome_indicators)} outcome indicators"
            )
    if failed:
        print(f"{failed} of {len(files)} files invalid", file=sys.stderr)
    return 1 if failed else 0


def _show(args: argparse.Namespace) -> int:
    promises = default_promises()
    promise = next((p for p in promises if p.id == args.promise_id), None)
    if promise is None:
        known = ", ".join(p.id for p in promises)
        print(f"no promise {args.promise_id!r} ships with Löfte; known: {known}", file=sys.stderr)
        return 1
    print(render_promise(promise), end="")
    return 0


def _schema(args: argparse.Namespace) -> int:
    print(schema_text(), end="")
    return 0
