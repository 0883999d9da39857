"""`lofte events validate`: a file of events checked as the API would check it, sending nothing.

Each event goes through exactly what `POST /v1/events` runs (the envelope, the data of its
type, privacy, the loaded promises, and with `--org` who may report it), so the problems
listed are the API's own, each at the line of the file the event starts on.
"""

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from services.activities.domain import Catalogue, Forbidden, accept, authorize
from services.activities.event_files import Entry, Format, read_events
from shared.contracts.cloudevents import parse_structured
from shared.contracts.errors import InvalidEvent


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem of one event: at which line, in which field, and what the API would say."""

    line: int
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


def check_entry(
    entry: Entry, catalogue: Catalogue, now: datetime, organisation: str | None = None
) -> list[Finding]:
    if entry.unreadable is not None:
        return [Finding(entry.line, "", entry.unreadable)]
    try:
        accepted = accept(parse_structured(entry.document), now, catalogue)
        if organisation is not None:
            authorize(accepted, organisation, catalogue)
    except InvalidEvent as error:
        return [Finding(entry.line, p.location, p.message) for p in error.problems]
    except Forbidden as error:
        return [Finding(entry.line, "", f"forbidden (403) for {organisation}: {error}")]
    return []


def check_file(
    entries: Iterable[Entry], catalogue: Catalogue, now: datetime, organisation: str | None
) -> tuple[int, list[Finding]]:
    """How many events the file holds, and every problem found in them."""
    count, findings = 0, []
    for entry in entries:
        count += entry.unreadable is None
        findings.extend(check_entry(entry, catalogue, now, organisation))
    return count, findings


def validate_file(
    path: Path, catalogue: Catalogue, organisation: str | None, kind: Format | None = None
) -> int:
    """Print each problem as `FILE:LINE: field: message` and a summary; the exit status."""
    try:
        count, findings = check_file(
            read_events(path, kind), catalogue, datetime.now(UTC), organisation
        )
    except (OSError, UnicodeDecodeError) as error:
        print(f"{path}: cannot read: {getattr(error, 'strerror', None) or error}", file=sys.stderr)
        return 2
    for finding in findings:
        print(f"{path}:{finding.line}: {finding}", file=sys.stderr)
    lines = len({finding.line for finding in findings})
    if findings:
        print(f"{path}: {count} events; {len(findings)} problems on {lines} lines; nothing sent")
        return 1
    print(f"{path}: {count} events, all valid; nothing sent")
    return 0
