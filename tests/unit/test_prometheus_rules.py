"""The Prometheus configs and rules, checked by promtool as Prometheus would load them.

promtool comes with the Debian package `make test` installs (infra/bin/prometheus.sh
install). Without it these tests fail, never skip: unchecked rules would only break once a
Prometheus loads them.
"""

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parents[2]
PROMETHEUS = ROOT / "infra" / "prometheus"
CONFIGS = [PROMETHEUS / "prometheus.yml", PROMETHEUS / "prometheus.compose.yml"]
RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.yml"))
TEST_FILES = sorted((PROMETHEUS / "tests").glob("*.yml"))
SEVERITIES = {"critical", "warning", "info"}


def promtool(*arguments: str) -> subprocess.CompletedProcess[str]:
    path = shutil.which("promtool")
    if path is None:
        pytest.fail(
            "promtool is not installed: run `infra/bin/prometheus.sh install` (Debian package "
            "prometheus), as `make test` does",
            pytrace=False,
        )
    return subprocess.run(
        [path, *arguments], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def read_yaml(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict), path
    return document


def alerts() -> list[dict[str, Any]]:
    return [
        rule
        for path in RULE_FILES
        for group in read_yaml(path)["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda path: path.name)
def test_config_and_the_rules_it_loads_are_valid(config: Path) -> None:
    checked = promtool("check", "config", str(config.relative_to(ROOT)))

    assert checked.returncode == 0, checked.stdout + checked.stderr
    for rule_file in RULE_FILES:
        assert rule_file.name in checked.stdout, f"{config.name} does not load {rule_file.name}"


def test_rules_are_valid_and_without_duplicates() -> None:
    files = [str(path.relative_to(ROOT)) for path in RULE_FILES]

    checked = promtool("check", "rules", "--lint=all", "--lint-fatal", *files)

    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_rule_unit_tests_pass() -> None:
    assert TEST_FILES, "infra/prometheus/tests/ has no promtool tests"

    tested = promtool("test", "rules", *(str(path.relative_to(ROOT)) for path in TEST_FILES))

    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_rule_file_is_unit_tested() -> None:
    tested = {
        (path.parent / name).resolve()
        for path in TEST_FILES
        for name in read_yaml(path)["rule_files"]
    }

    assert {path.resolve() for path in RULE_FILES} <= tested


def test_every_alert_is_tested_both_firing_and_quiet() -> None:
    cases = [
        case
        for path in TEST_FILES
        for test in read_yaml(path)["tests"]
        for case in test.get("alert_rule_test", [])
    ]

    for alert in alerts():
        name = alert["alert"]
        expectations = [bool(case["exp_alerts"]) for case in cases if case["alertname"] == name]
        assert True in expectations, f"no test has {name} firing"
        assert False in expectations, f"no test has {name} quiet"


def test_every_alert_says_how_bad_what_and_what_to_do_in_swedish_and_english() -> None:
    for alert in alerts():
        annotations = alert["annotations"]

        assert alert["labels"]["severity"] in SEVERITIES, alert["alert"]
        for key in ("summary", "description", "runbook"):
            swedish, _, english = annotations[key].partition(" / ")
            assert swedish.strip(), f"{alert['alert']}: {key} has no Swedish part"
            assert english.strip(), f"{alert['alert']}: {key} has no ' / English' part"
