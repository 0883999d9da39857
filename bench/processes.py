"""Processes a benchmark starts (through `tests.processes`), and what the kernel says about
their memory."""

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from tests.processes import ServiceProcess, start, stopped_on_exit, wait_ready

BARE_APP = "bench.bare_app"


def start_bare(env: dict[str, str], log_dir: Path) -> ServiceProcess:
    return start("bare", env, log_dir, module=BARE_APP)


def status_bytes(pid: int, field: str) -> int:
    """A memory figure of /proc/<pid>/status (VmHWM: the peak resident set size so far)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name == field:
            amount, unit = value.split()
            if unit != "kB":
                raise ValueError(f"unexpected unit {unit!r} of {field}")
            return int(amount) * 1024
    raise ValueError(f"/proc/{pid}/status has no {field}")


def peak_rss(pid: int) -> int:
    return status_bytes(pid, "VmHWM")


@contextlib.asynccontextmanager
async def service(name: str, env: dict[str, str], logs: Path) -> AsyncIterator[ServiceProcess]:
    """A service as a process for the length of a measurement, ready before it is used."""
    process = start(name, env, logs)
    with stopped_on_exit([process]):
        await wait_ready(process)
        yield process
