"""Render Löfte's Grafana dashboards (and the rules they rely on) into the repository.

    .venv/bin/python infra/grafana/generate.py

writes infra/grafana/dashboards/<uid>.json, which Grafana provisions, and
infra/prometheus/rules/responsibilities.yml. The files are committed: review the diff, and
never edit them by hand (tests/unit/test_dashboards.py compares them with this output).
`--dashboards DIR` and `--rules FILE` write elsewhere, for that comparison.
"""

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from dashboards_src import loftet, notifieringar, pipeline, responsibilities, tackning, utfall
from grafana_foundation_sdk.builders.dashboard import Dashboard
from grafana_foundation_sdk.cog.encoder import JSONEncoder

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS: tuple[Callable[[], Dashboard], ...] = (
    loftet.build,
    utfall.build,
    tackning.build,
    notifieringar.build,
    pipeline.build,
)


def render(board: Dashboard) -> tuple[str, str]:
    """The dashboard's uid and its JSON, with panel ids numbered in order of appearance."""
    model = board.build()
    next_id = 1
    for panel in model.panels or []:
        panel.id_val = next_id
        next_id += 1
        for nested in getattr(panel, "panels", None) or []:
            nested.id_val = next_id
            next_id += 1
    if model.uid is None:
        raise ValueError(f"dashboard {model.title!r} has no uid")
    text = json.dumps(model, cls=JSONEncoder, indent=2, sort_keys=True, ensure_ascii=False)
    return model.uid, text + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboards", type=Path, default=ROOT / "infra/grafana/dashboards")
    parser.add_argument(
        "--rules", type=Path, default=ROOT / "infra/prometheus/rules/responsibilities.yml"
    )
    arguments = parser.parse_args()
    arguments.dashboards.mkdir(parents=True, exist_ok=True)
    for build in DASHBOARDS:
        uid, text = render(build())
        (arguments.dashboards / f"{uid}.json").write_text(text, encoding="utf-8")
    arguments.rules.write_text(responsibilities.rules_yaml(), encoding="utf-8")


if __name__ == "__main__":
    main()
