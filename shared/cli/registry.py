"""How a subcommand group plugs into `lofte`.

A group is a function `register(commands)` that adds its parser to the top-level
subcommands and gives every leaf command a handler with `set_defaults(handler=...)`.
A handler gets the parsed arguments and returns the exit status; it writes to
`sys.stdout`/`sys.stderr` at call time, so tests can run `main([...])` in-process and
capture what a user would see.
"""

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    Commands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
else:  # not subscriptable at run time
    Commands = argparse._SubParsersAction

Register = Callable[[Commands], None]
Handler = Callable[[argparse.Namespace], int]


def add_group(
    commands: Commands,
    name: str,
    summary: str,
    description: str,
) -> Commands:
    """A group parser (`lofte NAME ...`) and the subcommands it holds."""
    group = commands.add_parser(name, help=summary, description=description)
    return group.add_subparsers(title="commands", metavar="COMMAND", required=True)


def add_command(
    group: Commands,
    name: str,
    summary: str,
    handler: Handler,
    description: str | None = None,
) -> argparse.ArgumentParser:
    """A leaf command (`lofte GROUP NAME ...`) that runs `handler`."""
    parser = group.add_parser(name, help=summary, description=description or summary)
    parser.set_defaults(handler=handler)
    return parser
