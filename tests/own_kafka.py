"""A Kafka broker of a test's own, to stop and start without disturbing the other tests."""

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tests.processes import ROOT, free_ports

KAFKA_SH = ROOT / "infra" / "bin" / "kafka.sh"


@dataclass
class OwnKafka:
    run_dir: Path
    port: int
    controller_port: int
    # More for kafka.sh (a SASL login, a TLS certificate): kept out of the repr, it has secrets.
    options: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _run(self, command: str) -> None:
        env = {
            **os.environ,
            "LOFTE_RUN_DIR": str(self.run_dir),
            "LOFTE_KAFKA_PORT": str(self.port),
            "LOFTE_KAFKA_CONTROLLER_PORT": str(self.controller_port),
            "LOFTE_KAFKA_HEAP": "-Xms128m -Xmx384m",
            **self.options,
        }
        result = subprocess.run(
            ["bash", str(KAFKA_SH), command],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(f"kafka.sh {command} failed:\n{result.stderr[-3000:]}")

    def start(self) -> None:
        self._run("start")

    def stop(self) -> None:
        self._run("stop")


def own_kafka(tmp_path: Path, options: Mapping[str, str] | None = None) -> OwnKafka:
    broker_port, controller_port = free_ports(2)
    return OwnKafka(tmp_path / "run", broker_port, controller_port, options or {})
