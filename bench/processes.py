"""A service as a process for the length of a measurement, and what the kernel says of it."""

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from tests.processes import ServiceProcess, start, stopped_on_exit, wait_ready


@contextlib.asynccontextmanager
async def service(name: str, env: dict[str, str], logs: Path) -> AsyncIterator[ServiceProcess]:
    process = start(name, env, logs)
    with stopped_on_exit([process]):
        await wait_ready(process)
        yield process


def peak_rss_mb(pid: int) -> float:
    """The most memory the process has had resident so far, in MB."""
    return _status_mb(pid, "VmHWM")


def rss_mb(pid: int) -> float:
    return _status_mb(pid, "VmRSS")


def _status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")
