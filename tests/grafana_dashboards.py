"""The committed Grafana dashboards as data: their panels, PromQL targets and variables.

Read from the JSON Grafana provisions (infra/grafana/dashboards/), not from the generator, so
that what the tests check is what Grafana loads.
"""

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
DASHBOARDS = ROOT / "infra" / "grafana" / "dashboards"
REGENERATE = ".venv/bin/python infra/grafana/generate.py"

# Grafana's own variables, as a dashboard with Prometheus's 5 s scrape interval gets them.
BUILT_IN = {"__rate_interval": "1m", "__interval": "15s", "__range": "1h", "__range_s": "3600"}

# $name, ${name}, ${name:format} and the deprecated [[name]].
REFERENCE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]")
LABEL_VALUES = re.compile(r"^label_values\((?P<selector>.+),\s*(?P<label>\w+)\s*\)$", re.DOTALL)


@dataclass(frozen=True)
class Query:
    dashboard: str
    panel: str
    ref: str
    expr: str

    def __str__(self) -> str:
        return f"{self.dashboard} › {self.panel} [{self.ref}]: {self.expr}"


@dataclass(frozen=True)
class Variable:
    name: str
    selector: str
    label: str
    multi: bool
    all_value: str | None


def load() -> dict[str, dict[str, Any]]:
    """Every committed dashboard by uid."""
    documents = {}
    for path in sorted(DASHBOARDS.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(document, dict), path
        documents[document["uid"]] = document
    return documents


def panels(document: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel but rows; a collapsed row keeps its panels inside it."""
    for panel in document.get("panels", []):
        if panel["type"] == "row":
            yield from panel.get("panels", [])
        else:
            yield panel


def queries(document: Mapping[str, Any]) -> list[Query]:
    return [
        Query(document["title"], panel.get("title", "?"), target.get("refId", "?"), target["expr"])
        for panel in panels(document)
        for target in panel.get("targets", [])
        if "expr" in target
    ]


def variables(document: Mapping[str, Any]) -> list[Variable]:
    found = []
    for variable in document.get("templating", {}).get("list", []):
        query = variable["query"]
        text = query if isinstance(query, str) else query.get("query", "")
        match = LABEL_VALUES.match(text.strip())
        assert match, f"{document['title']}: variable {variable['name']} is not label_values(...)"
        found.append(
            Variable(
                variable["name"],
                match["selector"].strip(),
                match["label"],
                bool(variable.get("multi")),
                variable.get("allValue"),
            )
        )
    return found


def substitute(text: str, values: Mapping[str, str]) -> str:
    """`text` with every variable replaced as Grafana would; unknown ones are an error."""

    def replace(match: re.Match[str]) -> str:
        name = next(group for group in match.groups() if group)
        known = {**BUILT_IN, **values}
        if name not in known:
            raise KeyError(f"unresolved variable ${name} in {text}")
        return known[name]

    return REFERENCE.sub(replace, text)


def all_of(values: list[str]) -> str:
    """Grafana's "All" for a multi-value variable without a custom all value."""
    return "(" + "|".join(re.escape(value) for value in values) + ")"


# What remains of PromQL once strings, matchers, ranges and label lists are gone: metric
# names, function names (followed by "(") and these keywords.
KEYWORDS = {"and", "or", "unless", "offset", "bool", "inf", "nan"}
LABEL_LIST = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")


def metric_names(expr: str) -> set[str]:
    text = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)
    text = re.sub(r"\{[^}]*\}", "", text)
    text = re.sub(r"\[[^\]]*\]", "", text)
    text = LABEL_LIST.sub("", text)
    names = set()
    for match in re.finditer(r"(?<![\w.])[A-Za-z_:][\w:]*", text):
        if text[match.end() :].lstrip().startswith("(") or match[0] in KEYWORDS:
            continue
        names.add(match[0])
    return names
