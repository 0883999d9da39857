"""Processes a benchmark starts besides the services (`tests.processes` starts those), and
what the kernel says about their memory."""

import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from tests.processes import ROOT, ServiceProcess, free_port, start, stopped_on_exit, wait_ready

BARE_APP = "bench.bare_app"


def start_module(module: str, name: str, env: dict[str, str], log_dir: Path) -> ServiceProcess:
    """`python -m module` on a free port of its own, the way the services are started."""
    port = free_port()
    log = log_dir / f"{name}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", module],
            cwd=ROOT,
            env={**os.environ, **env, "HTTP_PORT": str(port)},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    return ServiceProcess(name, port, log, process)


def start_bare(env: dict[str, str], log_dir: Path) -> ServiceProcess:
    return start_module(BARE_APP, "bare", env, log_dir)


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


def peak_rss_mb(pid: int) -> float:
    """The most memory the process has had resident so far, in MB."""
    return status_bytes(pid, "VmHWM") / 2**20


def rss_mb(pid: int) -> float:
    return status_bytes(pid, "VmRSS") / 2**20


@contextlib.asynccontextmanager
async def service(name: str, env: dict[str, str], logs: Path) -> AsyncIterator[ServiceProcess]:
    """A service as a process for the length of a measurement, ready before it is used."""
    process = start(name, env, logs)
    with stopped_on_exit([process]):
        await wait_ready(process)
        yield process
