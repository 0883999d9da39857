"""A Kafka broker of the tests' own whose clients must log in with SASL/SCRAM-SHA-512, over
TLS (SASL_SSL, with a throwaway CA) or not (SASL_PLAINTEXT).

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

from tests.certificates import make_pki
from tests.processes import ROOT, free_port

KAFKA_SH = ROOT / "infra" / "bin" / "kafka.sh"


@dataclass(frozen=True)
class SaslBroker:
    bootstrap_servers: str
    protocol: str
    username: str
    password: str = field(repr=False)
    ca_file: Path | None = None

    def client_env(self, password: str | None = None) -> dict[str, str]:
        """What a service needs to log in; another `password` to be turned away."""
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "KAFKA_SECURITY_PROTOCOL": self.protocol,
            "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "KAFKA_SASL_USERNAME": self.username,
            "KAFKA_SASL_PASSWORD": self.password if password is None else password,
        }
        if self.ca_file is not None:
            env["KAFKA_SSL_CA_FILE"] = str(self.ca_file)
        return env


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
def sasl_broker(run_dir: Path, *, tls: bool) -> Iterator[SaslBroker]:
    port = free_port()
    pki = make_pki(run_dir) if tls else None
    broker = SaslBroker(
        f"127.0.0.1:{port}",
        "SASL_SSL" if tls else "SASL_PLAINTEXT",
        "lofte-test",
        secrets.token_urlsafe(18),
        ca_file=None if pki is None else pki.ca,
    )
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
    if pki is not None:
        env["LOFTE_KAFKA_TLS_CERT_FILE"] = str(pki.server_cert)
        env["LOFTE_KAFKA_TLS_KEY_FILE"] = str(pki.server_key)
    _run("start", env)
    try:
        yield broker
    finally:
        _run("stop", env)
