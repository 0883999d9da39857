"""A progress bar on a terminal stream, for commands that take a while."""

from collections.abc import Callable
from typing import TextIO

# Redraws of a whole run at most (and the last): a bar redrawn for each of 100,000 rows of an
# import costs more than the rows.
REDRAWS = 500


def progress_bar(out: TextIO, width: int = 30) -> Callable[[int, int], None]:
    drawn = -1  # the step of the run last drawn

    def show(done: int, total: int) -> None:
        nonlocal drawn
        step = REDRAWS * min(done, total) // max(total, 1)
        if step == drawn and done < total:
            return
        drawn = step
        filled = width * min(done, total) // max(total, 1)
        out.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total}")
        out.flush()

    return show
