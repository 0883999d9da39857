"""The `lofte` command line: one entry point, one subcommand group per concern.

Add a group by writing a module with `register(commands)` (see `registry`) and listing
it where the command is composed: `app.COMMAND_GROUPS` for groups of shared/, the
console script's module for groups that live in a service.
"""
