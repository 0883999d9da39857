"""A progress bar on a terminal stream, for commands that take a while."""

from collections.abc import Callable
from typing import TextIO


def progress_bar(out: TextIO, width: int = 30) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        filled = width * min(done, total) // max(total, 1)
        out.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total}")
        out.flush()

    return show
