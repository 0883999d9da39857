"""CPU time spent by the processes under load, as the kernel counts it (Linux's /proc).

On a machine shared with other work, requests/s move with whatever else runs; the CPU
seconds a service and its database spend for each event move far less, so they say what a
change saved even when the throughput of two runs cannot be compared.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User and system time of these processes so far (those gone meanwhile count nothing)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def backends_of(database_url: str) -> list[int]:
    """The PostgreSQL server processes serving connections to this URL's database (their
    titles read `postgres: user database host(port) ...`)."""
    database = f" {urlsplit(database_url).path.lstrip('/')} ".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if title.startswith(b"postgres: ") and database in title:
            found.append(int(entry.name))
    return found


@dataclass(slots=True)
class Spent:
    """CPU seconds of a service process and of its database's server processes, from one
    moment to another (`start`, then `stop`)."""

    service_pid: int
    database_url: str
    service: float = 0.0
    database: float = 0.0

    def start(self) -> None:
        self.service = -cpu_seconds([self.service_pid])
        self.database = -cpu_seconds(backends_of(self.database_url))

    def stop(self) -> None:
        self.service += cpu_seconds([self.service_pid])
        self.database += cpu_seconds(backends_of(self.database_url))
