"""The services as real processes, the way `make up` runs them."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.polling import eventually

ROOT = Path(__file__).parents[1]
SERVICES = ("activities", "metrics", "notifications")


def free_port() -> int:
    [port] = free_ports(1)
    return port


def free_ports(count: int) -> list[int]:
    """`count` distinct free ports. Every probe stays bound until all are picked: ports
    picked one after another, each released before the next, may come out the same (a
    mail catcher was once given one port for its web page and its SMTP server alike)."""
    with contextlib.ExitStack() as probes:
        ports = []
        for _ in range(count):
            probe = probes.enter_context(socket.socket())
            probe.bind(("127.0.0.1", 0))
            ports.append(probe.getsockname()[1])
        return ports


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class ServiceProcess:
    name: str
    port: int
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


def start(
    name: str,
    env: dict[str, str],
    log_dir: Path,
    port: int | None = None,
    module: str | None = None,
) -> ServiceProcess:
    """Start the service (or `python -m module`, named `name`); on `port` when given (a
    restart keeps its address), else on any. A restart's output goes on in the same log."""
    port = port or free_port()
    log = log_dir / f"{name}.log"
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", module or f"services.{name}"],
            cwd=ROOT,
            env={**os.environ, **env, "HTTP_PORT": str(port)},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    return ServiceProcess(name, port, log, process)


async def wait_ready(service: ServiceProcess, within: float = 60.0) -> None:
    async def probe() -> str:
        if service.process.poll() is not None:
            return "exited"
        try:
            async with httpx.AsyncClient(timeout=2) as client:
                status = (await client.get(f"{service.url}/ready")).status_code
        except httpx.HTTPError:
            return "not answering"
        return "ready" if status == 200 else f"answering {status}"

    try:
        state = await eventually(probe, lambda state: state in ("ready", "exited"), within=within)
    except AssertionError as error:
        raise AssertionError(f"{service.name} not ready: {error}\n{service.log_tail()}") from None
    if state == "exited":
        raise AssertionError(f"{service.name} exited:\n{service.log_tail()}")


def stop(services: list[ServiceProcess]) -> None:
    """SIGTERM, as an orderly shutdown; SIGKILL for whatever does not exit in time."""
    for service in services:
        if service.process.poll() is None:
            service.process.terminate()
    for service in services:
        try:
            service.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            service.kill()


@contextlib.contextmanager
def stopped_on_exit(services: list[ServiceProcess]) -> Iterator[list[ServiceProcess]]:
    try:
        yield services
    finally:
        stop(services)


def service_env(kafka: str, database_url: str, namespace: str) -> dict[str, str]:
    """What every service process of a test needs: its broker, database and namespace."""
    return {
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
        "DATABASE_URL": database_url,
        "TOPIC_NAMESPACE": namespace,
        "CONSUMER_GROUP": f"{namespace}group",
    }


@contextlib.contextmanager
def all_services(env: dict[str, str], log_dir: Path) -> Iterator[dict[str, ServiceProcess]]:
    """The three services as processes, stopped on the way out."""
    started = [start(name, env, log_dir) for name in SERVICES]
    with stopped_on_exit(started):
        yield {service.name: service for service in started}
