"""What a chaos run measured (the seed, the kills, how long recovery took), printed and kept
as JSON beside the local runner's other output, for whoever compares runs."""

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.processes import ROOT


def report_path() -> Path:
    run_dir = Path(os.environ.get("LOFTE_RUN_DIR") or ROOT / ".run")
    return run_dir / "chaos" / "report.json"


class Report:
    def __init__(self, config: pytest.Config) -> None:
        self._config = config
        self.entries: dict[str, Any] = {}

    def say(self, line: str) -> None:
        """A line on the terminal now, past pytest's capture."""
        terminal = self._config.pluginmanager.get_plugin("terminalreporter")
        capture = self._config.pluginmanager.get_plugin("capturemanager")
        if terminal is None or capture is None:
            return
        with capture.global_and_fixture_disabled():
            terminal.write_line(f"chaos: {line}")

    def add(self, name: str, figures: dict[str, Any]) -> None:
        self.entries[name] = figures
        self.say(f"{name}: {json.dumps(figures, ensure_ascii=False, default=str)}")

    def write(self) -> Path:
        path = report_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(self.entries, indent=2, ensure_ascii=False, default=str) + "\n",
            encoding="utf-8",
        )
        return path
