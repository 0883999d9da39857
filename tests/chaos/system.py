"""The three services as processes on fixed ports, to kill and start again at will, with a
webhook receiver standing in for every organisation's contact point."""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import httpx

from tests.notification_receivers import SECRET, Receiver
from tests.polling import eventually
from tests.processes import SERVICES, ServiceProcess, free_port, start, stop


def routing(folder: Path, webhook: str) -> Path:
    """Everything to one webhook, grouped per organisation and commitment (many messages,
    so that kills find some in flight), sent within a second, never muted, silenced or
    inhibited: every notification made must be delivered, once."""
    text = f"""
contact_points:
  all: {{webhooks: [{{url: "{webhook}", secret: "{SECRET}"}}]}}
route:
  receiver: all
  group_by: [organisation, promise, commitment]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 24h
"""
    path = folder / "routing.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class System:
    kafka: str
    database_url: str
    namespace: str
    folder: Path
    receiver: Receiver
    ports: dict[str, int] = field(default_factory=lambda: {name: free_port() for name in SERVICES})
    running: dict[str, ServiceProcess] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def environment(self, name: str) -> dict[str, str]:
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka,
            "DATABASE_URL": self.database_url,
            "TOPIC_NAMESPACE": self.namespace,
            # A group per service: a restart rebalances its own consumers, not everyone's.
            "CONSUMER_GROUP": f"{self.namespace}{name}",
            "EVALUATION_INTERVAL_SECONDS": "5",
            "ROUTING_FILE": str(routing(self.folder, self.receiver.url)),
            "METRICS_URL": self.url("metrics"),
            "DISPATCHER_MAX_INTERVAL_SECONDS": "0.5",
            "SENDER_POLL_SECONDS": "0.5",
            # Few messages at a time to a slow receiver: sending lasts, and kills cut it off.
            "SENDER_CONCURRENCY": "2",
        }

    def start(self, name: str) -> None:
        self.running[name] = start(name, self.environment(name), self.folder, self.ports[name])

    def kill(self, name: str) -> None:
        """SIGKILL: no shutdown hook runs, whatever the service was doing stops mid-way."""
        self.running[name].kill()

    async def ready(self, within: float = 120.0) -> None:
        for name in SERVICES:
            await eventually(partial(self._readiness, name), lambda ok: ok, within=within)

    async def _readiness(self, name: str) -> bool:
        service = self.running[name]
        if service.process.poll() is not None:
            raise AssertionError(f"{name} exited:\n{service.log_tail()}")
        try:
            async with httpx.AsyncClient(timeout=5) as client:
                return (await client.get(f"{service.url}/ready")).status_code == 200
        except httpx.HTTPError:
            return False

    def log_tails(self) -> str:
        return "\n".join(f"--- {s.name}\n{s.log_tail(20)}" for s in self.running.values())


@contextlib.contextmanager
def running(system: System) -> Iterator[System]:
    for name in SERVICES:
        system.start(name)
    try:
        yield system
    finally:
        stop(list(system.running.values()))
