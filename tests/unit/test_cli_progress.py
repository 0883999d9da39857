"""The progress bar of long commands: drawn as the work goes, finished at the end, and not
redrawn for every row of a large file."""

import io

from shared.cli.progress import REDRAWS, progress_bar


def test_a_large_import_is_drawn_a_few_hundred_times_and_ends_full() -> None:
    out = io.StringIO()
    show = progress_bar(out, width=10)

    for done in range(1, 100_001):
        show(done, 100_000)

    drawings = out.getvalue().split("\r")[1:]
    assert len(drawings) <= REDRAWS + 1
    assert drawings[-1] == "[##########] 100000/100000"
    assert "[#####     ] 50000/100000" in drawings


def test_uneven_steps_still_move_the_bar() -> None:
    out = io.StringIO()
    show = progress_bar(out, width=4)

    for done in (333, 666, 999, 1000):
        show(done, 1000)

    assert out.getvalue().split("\r")[1:] == [
        "[#   ] 333/1000",
        "[##  ] 666/1000",
        "[### ] 999/1000",
        "[####] 1000/1000",
    ]
