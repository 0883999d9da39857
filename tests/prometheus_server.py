"""A throwaway Prometheus (the Debian package's binary) scraping services the tests started.

It loads the repository's rules from infra/prometheus/rules/ and scrapes every second, so a
test sees rates and recording rules within seconds instead of the 5 s of `make up`.
"""

import contextlib
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.polling import eventually
from tests.processes import ROOT, free_port

RULES = ROOT / "infra" / "prometheus" / "rules"
MISSING = (
    "prometheus is not installed: run `infra/bin/prometheus.sh install` (Debian package "
    "prometheus), as `make test` does"
)


@dataclass
class Prometheus:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    async def api(self, path: str, **params: str) -> Any:
        """The `data` of a /api/v1 answer; an error answer raises with Prometheus's reason."""
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(f"{self.url}/api/v1/{path}", params=params)
        body = response.json()
        if body.get("status") != "success":
            raise PrometheusError(f"{body.get('errorType')}: {body.get('error')}")
        return body["data"]

    async def wait_ready(self, within: float = 30.0) -> None:
        async def probe() -> str:
            if self.process.poll() is not None:
                return "exited"
            try:
                async with httpx.AsyncClient(timeout=2) as client:
                    return str((await client.get(f"{self.url}/-/ready")).status_code)
            except httpx.HTTPError:
                return "not answering"

        state = await eventually(probe, lambda s: s in ("200", "exited"), within=within)
        assert state == "200", f"prometheus exited:\n{self.log_tail()}"

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


class PrometheusError(Exception):
    pass


def config(targets: Mapping[str, str]) -> dict[str, Any]:
    return {
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
        "rule_files": [f"{RULES}/*.yml"],
        "scrape_configs": [
            {"job_name": job, "static_configs": [{"targets": [target]}]}
            for job, target in targets.items()
        ],
    }


@contextlib.contextmanager
def running(targets: Mapping[str, str], folder: Path) -> Iterator[Prometheus]:
    """Prometheus on a free loopback port scraping `targets` (job → host:port), then stopped."""
    binary = shutil.which("prometheus")
    assert binary, MISSING
    folder.mkdir(parents=True, exist_ok=True)
    config_file = folder / "prometheus.yml"
    config_file.write_text(yaml.safe_dump(config(targets)), encoding="utf-8")
    port = free_port()
    log = folder / "prometheus.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={config_file}",
                f"--web.listen-address=127.0.0.1:{port}",
                f"--storage.tsdb.path={folder / 'data'}",
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Prometheus(f"http://127.0.0.1:{port}", process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
