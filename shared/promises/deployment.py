"""The promises a deployment serves: the shipped ones, and those its operator adds.

`PROMISE_FILES` names files and `PROMISES_DIR` a folder whose every `*.yaml` is a promise;
both come in addition to the shipped promises, so Lund 2017 stays loaded whatever else is.
Every file is read and checked before any is used, and all their problems are reported at
once, each with its file, line and column: a deployment is fixed in one round, not one file
per restart.
"""

from collections.abc import Iterable, Sequence
from pathlib import Path

from shared.promises.loader import default_promises, load_promise
from shared.promises.model import Promise
from shared.promises.yamlfile import FileProblem, PromiseFileError


def promise_files_in(directory: Path) -> list[Path]:
    """The folder's `*.yaml` files by name, so that the order is the same on every start."""
    if not directory.is_dir():
        problem = "PROMISES_DIR is not a folder that can be read"
        raise PromiseFileError([FileProblem(str(directory), 1, 1, "", problem)])
    return sorted(path for path in directory.glob("*.yaml") if path.is_file())


def deployed_promises(files: Iterable[Path] = (), directory: Path | None = None) -> list[Promise]:
    """The shipped promises, then `files`, then the promises in `directory`.

    PromiseFileError with every problem of every file when any is unusable, a promise id
    loaded twice included.
    """
    paths: Sequence[Path] = [*files, *(promise_files_in(directory) if directory else ())]
    promises = default_promises()
    origins = {promise.id: "the promises that ship with Löfte" for promise in promises}
    problems: list[FileProblem] = []
    for path in paths:
        try:
            promise = load_promise(path, taken=origins)
        except PromiseFileError as error:
            problems.extend(error.problems)
        except OSError as error:
            problems.append(FileProblem(str(path), 1, 1, "", f"cannot be read: {error.strerror}"))
        else:
            promises.append(promise)
            origins[promise.id] = str(path)
    if problems:
        raise PromiseFileError(problems)
    return promises
