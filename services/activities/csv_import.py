"""Reads partner events from a CSV file (one event a row) into CloudEvents documents.

Columns: `type`, `id`, `source`, `time` are required; the rest fill the data of the type:
`commitment`, `organisations` (separated by `;`), `place`, `youths`, `adults`, `volunteers`,
`notes`, `title`, `link`, `category`, `area`, `age_band`, `count`, `event_id`, `reason`,
`promise`. Empty cells are left out.
"""

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PARTICIPANTS = ("youths", "adults", "volunteers")
TEXT_FIELDS = (
    "commitment", "place", "notes", "title", "link", "category", "area", "age_band",
    "event_id", "reason", "promise", "planned_time",
)  # fmt: skip
ENVELOPE = ("type", "id", "source", "time", "subject")


def rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, CloudEvents document) for every row after the header."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, document(row)


def count_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def document(row: dict[str, str | None]) -> dict[str, Any]:
    cells = {name: (value or "").strip() for name, value in row.items() if name}
    event: dict[str, Any] = {"specversion": "1.0"}
    event.update({name: cells[name] for name in ENVELOPE if cells.get(name)})
    data: dict[str, Any] = {name: cells[name] for name in TEXT_FIELDS if cells.get(name)}
    if cells.get("organisations"):
        data["organisations"] = [o.strip() for o in cells["organisations"].split(";") if o.strip()]
    if cells.get("count"):
        data["count"] = _number(cells["count"])
    participants = {name: _number(cells[name]) for name in PARTICIPANTS if cells.get(name)}
    if participants:
        data["participants"] = participants
    event["data"] = data
    return event


def _number(text: str) -> int | str:
    # A cell that is not a whole number is passed on as text so that validation names it.
    return int(text) if text.isdigit() else text
