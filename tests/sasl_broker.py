"""A Kafka broker of the tests' own whose clients must log in with SASL/SCRAM-SHA-512.

`infra/bin/kafka.sh` runs it, as it runs the developer's broker, from the same cached jars but
in a run folder and on ports of its own, so it never meets the broker the other tests use.
"""

import contextlib
import os
import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.processes import ROOT, free_port

KAFKA_SH = ROOT / "infra" / "bin" / "kafka.sh"


@dataclass(frozen=True)
class SaslBroker:
    bootstrap_servers: str
    username: str
    password: str = field(repr=False)

    def client_env(self, password: str | None = None) -> dict[str, str]:
        """What a service needs to log in; another `password` to be turned away."""
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "KAFKA_SASL_USERNAME": self.username,
            "KAFKA_SASL_PASSWORD": self.password if password is None else password,
        }


def _run(command: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        ["bash", str(KAFKA_SH), command],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,  # a first start on a fresh machine fetches the broker's jars
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"kafka.sh {command} failed (exit {done.returncode}); the SASL tests need Java and "
            f"the broker's jars (see infra/bin/kafka.sh):\n{done.stderr}{done.stdout}"
        )


@contextlib.contextmanager
def sasl_broker(run_dir: Path) -> Iterator[SaslBroker]:
    port = free_port()
    broker = SaslBroker(f"127.0.0.1:{port}", "lofte-test", secrets.token_urlsafe(18))
    env = {
        **os.environ,
        "LOFTE_RUN_DIR": str(run_dir),
        "LOFTE_KAFKA_PORT": str(port),
        "LOFTE_KAFKA_CONTROLLER_PORT": str(free_port()),
        "LOFTE_KAFKA_SASL_USERNAME": broker.username,
        "LOFTE_KAFKA_SASL_PASSWORD": broker.password,
        # A test broker holds little; it need not take the developer broker's heap.
        "LOFTE_KAFKA_HEAP": "-Xms128m -Xmx384m",
    }
    _run("start", env)
    try:
        yield broker
    finally:
        _run("stop", env)
