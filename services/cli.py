"""The `lofte` command, with every group of commands the project has.

`shared` offers the promise commands; the activities service adds `keys` and `import`, the
metrics service `metrics rebuild`, the notifications service `notifications check|dry-run`,
the public site `report`.
This module composes them and belongs to no service, so no service imports another.
"""

from collections.abc import Sequence

from services.activities import cli as activities_cli
from services.metrics import cli as metrics_cli
from services.notifications import cli as notifications_cli
from services.public import cli as public_cli
from shared.cli import app, promise
from shared.cli.registry import Register

GROUPS: tuple[Register, ...] = (
    promise.register,
    activities_cli.register,
    metrics_cli.register,
    notifications_cli.register,
    public_cli.register,
)


def main(argv: Sequence[str] | None = None) -> int:
    return app.run_command(GROUPS, argv)


def run() -> None:
    raise SystemExit(main())
