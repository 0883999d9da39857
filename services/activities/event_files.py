"""Files of events as partners keep them: JSON (one event or an array), JSON lines, or CSV.

Each event comes with the line it starts on, so that whatever is wrong with it can be shown
where the partner will look. A file that cannot be read as its format is one problem at the
line and column where reading stopped, not an exception.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from services.activities import csv_import

Format = Literal["json", "jsonl", "csv"]
FORMATS: tuple[Format, ...] = ("json", "jsonl", "csv")
_BY_SUFFIX: dict[str, Format] = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One event of a file (a CloudEvents document, not yet checked), or why it is none."""

    line: int
    document: Any = None
    unreadable: str | None = None


def format_of(path: Path) -> Format:
    """By the file's suffix; JSON lines when a `.json`-less file holds one object per line."""
    known = _BY_SUFFIX.get(path.suffix.lower())
    if known is not None:
        return known
    text = path.read_text(encoding="utf-8-sig").lstrip()
    return "json" if text.startswith("[") else "jsonl"


def read_events(path: Path, kind: Format | None = None) -> Iterator[Entry]:
    kind = kind or format_of(path)
    if kind == "csv":
        for line, document in csv_import.rows(path):
            yield Entry(line, document)
        return
    text = path.read_text(encoding="utf-8-sig")
    yield from (_json_lines(text) if kind == "jsonl" else _json(text))


def _json_lines(text: str) -> Iterator[Entry]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield Entry(number, json.loads(line))
        except json.JSONDecodeError as error:
            yield Entry(number, unreadable=f"column {error.colno}: not valid JSON: {error.msg}")


def _json(text: str) -> Iterator[Entry]:
    """One event, or each element of an array, with the line each one starts on."""
    decoder = json.JSONDecoder()
    start = _skip_space(text, 0)
    if not text.startswith("[", start):
        yield from _decoded(decoder, text, start)
        return
    position = _skip_space(text, start + 1)
    if text.startswith("]", position):
        return
    while True:
        entry, position = _element(decoder, text, position)
        yield entry
        if entry.unreadable is not None:
            return
        position = _skip_space(text, position)
        if text.startswith("]", position):
            return
        if not text.startswith(",", position):
            yield Entry(_line(text, position), unreadable="expected ',' or ']' after an event")
            return
        position = _skip_space(text, position + 1)


def _decoded(decoder: json.JSONDecoder, text: str, start: int) -> Iterator[Entry]:
    entry, end = _element(decoder, text, start)
    yield entry
    if entry.unreadable is None and _skip_space(text, end) < len(text):
        yield Entry(_line(text, end), unreadable="text after the event; send an array of events")


def _element(decoder: json.JSONDecoder, text: str, position: int) -> tuple[Entry, int]:
    try:
        document, end = decoder.raw_decode(text, position)
    except json.JSONDecodeError as error:
        message = f"column {error.colno}: not valid JSON: {error.msg}"
        return Entry(error.lineno, unreadable=message), position
    return Entry(_line(text, position), document), end


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1
