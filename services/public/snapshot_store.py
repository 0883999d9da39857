"""The last figures read, kept in a folder of the site's own: one file per promise.

A file rather than the database, so that the site answers with nothing else running. A
file is replaced whole (written aside, then renamed over the old one), so a reader, or
another instance of the site sharing the folder, never sees half of one.
"""

import logging
import os
import tempfile
from pathlib import Path

from services.public.domain.snapshot import Snapshot, snapshot_from_text, snapshot_to_text

log = logging.getLogger(__name__)


class SnapshotStore:
    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def _path(self, name: str) -> Path:
        return self._folder / f"{name}.json"

    def save(self, snapshot: Snapshot, name: str | None = None) -> None:
        """Keep `snapshot` as the promise's latest, or under `name` (a report's figures)."""
        self._folder.mkdir(parents=True, exist_ok=True)
        descriptor, aside = tempfile.mkstemp(dir=self._folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(snapshot_to_text(snapshot))
                file.flush()
                os.fsync(file.fileno())
            os.replace(aside, self._path(name or snapshot.promise_id))
        except BaseException:
            Path(aside).unlink(missing_ok=True)
            raise

    def load(self, name: str) -> Snapshot | None:
        """The snapshot kept under `name` (a promise's id for its latest); None when there
        is none or it cannot be read (said in the log: the site then shows none)."""
        path = self._path(name)
        try:
            return snapshot_from_text(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("the kept figures %s cannot be read (%s): %s", name, path, error)
            return None
