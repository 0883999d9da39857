"""The parser of the `lofte` command, built from whatever groups the caller composes.

`shared` knows only its own groups (`COMMAND_GROUPS`); `python -m shared.cli` runs those.
The installed `lofte` adds the services' groups (keys, import) where importing services
is allowed, by calling `build_parser` with the longer list.
"""

import argparse
import sys
from collections.abc import Sequence

from shared.cli import promise
from shared.cli.registry import Handler, Register
from shared.promises import PromiseFileError

# The groups shared/ can offer without importing a service.
COMMAND_GROUPS: tuple[Register, ...] = (promise.register,)


def build_parser(groups: Sequence[Register] = COMMAND_GROUPS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lofte",
        description="Löfte: follow up a medborgarlöfte continuously.",
    )
    commands = parser.add_subparsers(title="command groups", metavar="GROUP", required=True)
    for register in groups:
        register(commands)
    return parser


def run_command(groups: Sequence[Register], argv: Sequence[str] | None = None) -> int:
    """Run one command of `groups`; the exit status is returned (argparse exits 2 on bad
    usage)."""
    args = build_parser(groups).parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except PromiseFileError as error:
        # The deployment's promises (PROMISE_FILES, PROMISES_DIR), which commands load too.
        print(f"the promises do not load\n{error}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    return run_command(COMMAND_GROUPS, argv)
