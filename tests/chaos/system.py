"""The three services as processes on fixed ports, to kill and start again at will, with a
webhook receiver standing in for every organisation's contact point. A service may run as
several instances in one consumer group: the first is named as the service, the others
`metrics-2`, `metrics-3` …; each has a port of its own and `INSTANCE_ID` its name."""

import contextlib
from collections.abc import Iterator, Mapping
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
    # How many instances of each service to run at first (one if not said).
    scale: Mapping[str, int] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    running: dict[str, ServiceProcess] = field(default_factory=dict)

    def instances(self, service: str | None = None) -> list[str]:
        """The instances to run at first, of one service or of all."""
        return [
            name if n == 1 else f"{name}-{n}"
            for name in SERVICES
            if service in (None, name)
            for n in range(1, self.scale.get(name, 1) + 1)
        ]

    def url(self, instance: str) -> str:
        return f"http://127.0.0.1:{self.port(instance)}"

    def port(self, instance: str) -> int:
        """The instance's port, the same through its restarts; never another instance's,
        though one killed has let go of its port until it is started again."""
        if instance not in self.ports:
            taken = set(self.ports.values())
            self.ports[instance] = next(p for p in iter(free_port, None) if p not in taken)
        return self.ports[instance]

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

    def start(self, instance: str) -> None:
        service = instance.partition("-")[0]
        environment = {**self.environment(service), "INSTANCE_ID": instance}
        self.running[instance] = start(
            instance, environment, self.folder, self.port(instance), module=f"services.{service}"
        )

    def kill(self, name: str) -> None:
        """SIGKILL: no shutdown hook runs, whatever the service was doing stops mid-way."""
        self.running[name].kill()

    def retire(self, name: str) -> None:
        """Kill an instance for good: it is not started again, nor waited for."""
        self.kill(name)
        del self.running[name]

    async def ready(self, within: float = 120.0) -> None:
        for name in list(self.running):
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
    for name in system.instances():
        system.start(name)
    try:
        yield system
    finally:
        stop(list(system.running.values()))
