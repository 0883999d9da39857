"""The committed Grafana dashboards: generated, stable, and each panel a Prometheus query.

Whether those queries return data from the real services is for
tests/e2e/test_dashboards_against_prometheus.py; this holds the JSON to the generator and to
the contracts around it (uids the notifications link to, status codes of the recording rules).
"""

import difflib
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from services.notifications.domain.views import (
    commitment_dashboard_path,
    outcome_dashboard_path,
)
from shared.contracts.kpi_events import Status
from tests import grafana_dashboards as dashboards

ROOT = Path(__file__).parents[2]
RESPONSIBILITIES = ROOT / "infra" / "prometheus" / "rules" / "responsibilities.yml"
TITLES = {
    "lofte-loftet": "Löftet",
    "lofte-utfall": "Utfall",
    "lofte-tackning": "Täckning",
    "lofte-notifieringar": "Notifieringar",
    "lofte-pipeline": "Pipeline",
}
STATUS_CODE = re.compile(r'status="(?P<status>[\w-]+)"\} \* (?P<code>\d+)')


def out_of_date(name: str, committed: str, generated: str) -> str:
    diff = difflib.unified_diff(
        committed.splitlines(), generated.splitlines(), "committed", "generated", lineterm=""
    )
    shown = "\n".join(list(diff)[:40])
    return f"{name} is not what the generator writes; run `{dashboards.REGENERATE}`\n{shown}"


def test_committed_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    rules = tmp_path / "responsibilities.yml"
    generated = subprocess.run(
        [
            sys.executable,
            "infra/grafana/generate.py",
            f"--dashboards={tmp_path / 'dashboards'}",
            f"--rules={rules}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert generated.returncode == 0, generated.stderr

    written = {path.name: path for path in (tmp_path / "dashboards").glob("*.json")}
    committed = {path.name: path for path in dashboards.DASHBOARDS.glob("*.json")}
    assert sorted(committed) == sorted(written), f"run `{dashboards.REGENERATE}`"
    for name, path in written.items():
        now, then = path.read_text(encoding="utf-8"), committed[name].read_text(encoding="utf-8")
        assert then == now, out_of_date(name, then, now)
    now, then = rules.read_text(encoding="utf-8"), RESPONSIBILITIES.read_text(encoding="utf-8")
    assert then == now, out_of_date(RESPONSIBILITIES.name, then, now)


def test_dashboards_have_their_stable_uids_and_swedish_titles() -> None:
    found = {uid: document["title"] for uid, document in dashboards.load().items()}

    assert found == TITLES


@pytest.mark.parametrize("uid", TITLES)
def test_every_panel_queries_prometheus(uid: str) -> None:
    document = dashboards.load()[uid]

    for panel in dashboards.panels(document):
        title = panel.get("title")
        assert title, f"{uid}: a panel has no title"
        assert panel.get("description"), f"{uid} › {title}: no description"
        assert panel["datasource"] == {"type": "prometheus", "uid": "prometheus"}, title
        targets = panel.get("targets", [])
        assert targets, f"{uid} › {title}: no query"
        for target in targets:
            assert target.get("expr", "").strip(), f"{uid} › {title}: a target without PromQL"
        refs = [target["refId"] for target in targets]
        assert len(set(refs)) == len(refs), f"{uid} › {title}: refIds repeat: {refs}"
    ids = [panel["id"] for panel in document["panels"]]
    assert len(set(ids)) == len(ids), f"{uid}: panel ids repeat"


@pytest.mark.parametrize("uid", TITLES)
def test_every_variable_is_filled_from_prometheus_and_used(uid: str) -> None:
    document = dashboards.load()[uid]
    exprs = " ".join(query.expr for query in dashboards.queries(document))

    for variable in document["templating"]["list"]:
        assert variable["datasource"]["uid"] == "prometheus", variable["name"]
        assert re.search(rf"\${variable['name']}\b", exprs), f"${variable['name']} unused"
    dashboards.variables(document)  # every one is label_values(selector, label)


def test_notification_links_name_variables_the_dashboards_have() -> None:
    documents = dashboards.load()

    for path in (commitment_dashboard_path("sno-mote"), outcome_dashboard_path("skadegorelse")):
        link = urlsplit(path)
        uid = link.path.removeprefix("/d/").split("/")[0]
        names = {variable["name"] for variable in documents[uid]["templating"]["list"]}
        for parameter in parse_qs(link.query):
            assert parameter.removeprefix("var-") in names, f"{path}: no such variable"


def test_status_codes_are_the_recording_rules_and_cover_every_status() -> None:
    rules = (ROOT / "infra" / "prometheus" / "rules" / "kpis.yml").read_text(encoding="utf-8")
    recorded = {m["status"]: int(m["code"]) for m in STATUS_CODE.finditer(rules)}
    [table] = [
        panel
        for panel in dashboards.panels(dashboards.load()["lofte-loftet"])
        if panel["type"] == "table"
    ]
    [status_column] = [
        override
        for override in table["fieldConfig"]["overrides"]
        if override["matcher"]["options"] == "Status"
    ]
    [mappings] = [p["value"] for p in status_column["properties"] if p["id"] == "mappings"]
    mapped = mappings[0]["options"]

    assert set(recorded) == {status.value for status in Status}
    for code in recorded.values():
        assert str(code) in mapped, f"status code {code} has no mapping in the dashboards"
    assert "0" in mapped, "the code of a status the rules do not know yet needs a mapping too"
