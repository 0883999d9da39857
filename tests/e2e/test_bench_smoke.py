"""Every benchmark still runs: `python -m bench --quick` on the test's
Kafka and PostgreSQL exits 0 and reports a positive figure for every measurement. No timing
is asserted; what the figures are is the benchmark's business, not the test's."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import BENCHMARKS
from tests.processes import ROOT


@pytest.mark.timeout(420)
def test_the_quick_benchmarks_run_and_measure_something(
    kafka_bootstrap: str, server_database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "bench"
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "DATABASE_URL": server_database_url,
    }

    run = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    for name in BENCHMARKS:
        figures = json.loads((out / f"{name}.json").read_text())["figures"]
        assert figures
        assert {figure: value for figure, value in figures.items() if not value > 0} == {}
