"""The contract documents partners build against, as files: `docs/contracts/`.

    python -m shared.contract_documents.documents docs/contracts      (or: make contracts)

writes `asyncapi.json` and `schemas/<name>.json` (the envelope as `cloudevent.json`, each
event type's data as `<type>.json`) exactly as the activities service serves them. A test
fails when the committed files differ from what the code gives, so they never drift.
"""

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

from shared.contract_documents.asyncapi import asyncapi_document
from shared.contracts.schemas import documents


def as_text(document: dict[str, Any]) -> str:
    """A document as its committed file holds it: indented, UTF-8, a final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@cache
def contract_files() -> dict[str, str]:
    """Every document by its path under the contracts directory, as text."""
    files = {"asyncapi.json": as_text(asyncapi_document())}
    files.update({f"schemas/{name}.json": as_text(doc) for name, doc in documents().items()})
    return files


def write(directory: Path) -> list[Path]:
    """Write every document under `directory`, and remove schema files no type has now."""
    written = []
    for relative, text in contract_files().items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for stale in set((directory / "schemas").glob("*.json")) - set(written):
        stale.unlink()
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/contracts")):
        print(path)
