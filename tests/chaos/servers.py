"""The Kafka broker and PostgreSQL server of the whole test session, stopped and started
with the project's own scripts (`infra/bin/kafka.sh`, `postgres.sh`), the way an operator
would. Only the servers `make test-chaos` runs qualify: the scripts must find the very broker
and database the tests were given, or the fixture refuses to go on."""

import os
import subprocess
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from tests.processes import ROOT

BIN = ROOT / "infra" / "bin"
# The scripts' own defaults (infra/bin/lib.sh), for when the environment names no port.
DEFAULT_PORTS = {"kafka": "9092", "postgres": "55432"}
PORT_VARIABLES = {"kafka": "LOFTE_KAFKA_PORT", "postgres": "LOFTE_PG_PORT"}
NOT_OURS = (
    "the chaos tests stop and start the broker and the database with infra/bin/{component}.sh, "
    "which manages 127.0.0.1:{script_port}, but the tests were given port {given}: run them "
    "with `make test-chaos` (or export {variable}={given})"
)


def _script(component: str, command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(BIN / f"{component}.sh"), command],
        env=os.environ,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@dataclass(frozen=True)
class SharedServers:
    kafka: str
    database_url: str

    def stop(self, component: str) -> float:
        """Stop `kafka` or `postgres`; return how long the script took (seconds)."""
        return self._run(component, "stop")

    def start(self, component: str) -> float:
        """Start it and wait until it serves; return how long that took (seconds)."""
        return self._run(component, "start")

    def ensure_running(self) -> None:
        for component in ("postgres", "kafka"):
            self._run(component, "start")  # says "already running" when it is

    @staticmethod
    def _run(component: str, command: str) -> float:
        started = time.monotonic()
        result = _script(component, command)
        if result.returncode != 0:
            raise AssertionError(f"{component}.sh {command} failed:\n{result.stderr[-3000:]}")
        return time.monotonic() - started


def shared_servers(kafka: str, database_url: str) -> SharedServers:
    """The servers the session runs on, once it is sure the scripts manage exactly those."""
    given = {
        "kafka": kafka.split(",")[0].rpartition(":")[2],
        "postgres": str(urlsplit(database_url).port or 5432),
    }
    for component, port in given.items():
        variable = PORT_VARIABLES[component]
        script_port = os.environ.get(variable, DEFAULT_PORTS[component])
        if script_port != port:
            raise RuntimeError(
                NOT_OURS.format(
                    component=component, script_port=script_port, given=port, variable=variable
                )
            )
        status = _script(component, "status")
        if status.returncode != 0:
            raise RuntimeError(f"{component}.sh does not see its server running: {status.stdout}")
    return SharedServers(kafka, database_url)
