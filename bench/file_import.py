"""`lofte import` of a CSV file: seconds for 100,000 rows, progress bar and all, against a
bare COPY of the same file into a table of text columns.

The file holds what polisen's systems report in Lund's first year, each row a new event
(the ids made unique), so every row is imported. The command runs as an operator runs it,
in a process of its own with its progress bar on a pipe; the COPY is the floor of putting
the same bytes into the same PostgreSQL: no parsing into events, no validation, no outbox.
Afterwards the register must hold every row.
"""

import asyncio
import csv
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import asyncpg

from bench.harness import Bench, Result
from bench.ingest import ORGANISATION, templates
from bench.register import DataLost, Register
from services.activities.csv_import import ENVELOPE, PARTICIPANTS, TEXT_FIELDS, document
from shared.contracts.cloudevents import parse_structured

QUICK_ROWS, ROWS = 10_000, 100_000
COLUMNS = (*ENVELOPE, *TEXT_FIELDS, "organisations", "count", *PARTICIPANTS)


def row_of(event: dict[str, Any]) -> dict[str, str | None]:
    """The CSV row `lofte import` reads back into `event`."""
    data = event["data"]
    row: dict[str, str | None] = {name: str(event[name]) for name in ENVELOPE if name in event}
    row.update({name: str(data[name]) for name in TEXT_FIELDS if name in data})
    if "organisations" in data:
        row["organisations"] = ";".join(data["organisations"])
    if "count" in data:
        row["count"] = str(data["count"])
    row.update({name: str(n) for name, n in data.get("participants", {}).items()})
    return row


def csv_rows(events: Sequence[dict[str, Any]], count: int) -> Iterator[dict[str, str | None]]:
    """`count` rows, the events over and over, each with an id of its own."""
    rows = [row_of(event) for event in events if _same(document(row_of(event)), event)]
    for n in range(count):
        row = dict(rows[n % len(rows)])
        row["id"] = f"{row['id']}-import-{n}"
        yield row


def _same(read: dict[str, Any], event: dict[str, Any]) -> bool:
    return parse_structured(read) == parse_structured(event)


def write_csv(path: Path, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(csv_rows(templates(), count))
    return path


async def lofte_import(path: Path, database_url: str) -> tuple[float, str]:
    """Seconds `lofte import` took, and its summary line."""
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "lofte"), "import", str(path), "--org", ORGANISATION,
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await process.communicate()
    seconds = time.perf_counter() - started
    said = stderr.decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"lofte import failed ({process.returncode}):\n{said[-2000:]}")
    return seconds, said.strip().splitlines()[-1]


async def bare_copy(path: Path, database_url: str) -> float:
    """Seconds to COPY the file as it is into a table of its columns, as text."""
    connection = await asyncpg.connect(database_url)
    try:
        columns = ", ".join(f'"{name}" text' for name in COLUMNS)
        await connection.execute(f"CREATE TABLE bench_import_floor ({columns})")
        started = time.perf_counter()
        await connection.copy_to_table("bench_import_floor", source=path, format="csv", header=True)
        return time.perf_counter() - started
    finally:
        await connection.close()


async def run(bench: Bench) -> Result:
    result = Result("import")
    count = QUICK_ROWS if bench.quick else ROWS
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / "lund-polisen.csv", count)
        async with bench.database() as database_url:
            floor = await bare_copy(path, database_url)
            seconds, summary = await lofte_import(path, database_url)
            registered = await Register(database_url).count()
    if registered != count:
        raise DataLost(f"the register holds {registered} events of the file's {count} rows")
    result.add("rows", count, "rows")
    result.add("lofte import", seconds, "s")
    result.add("lofte import rows/s", count / seconds, "rows/s")
    result.add("bare COPY", floor, "s")
    result.add("ratio import/COPY", seconds / floor, "× the COPY's seconds")
    result.notes.append(f"lofte import said: {summary}")
    return result
