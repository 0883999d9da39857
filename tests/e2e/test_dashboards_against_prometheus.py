"""Every PromQL expression of every committed dashboard, run against a real Prometheus that
scrapes the three services while a seeded Lund scenario flows through them.

A panel that says "No data" in production is a bug found too late. Here each query must
answer without error and with at least one series, every metric it names must be one a
service exposes (or a recording rule), every variable must find values, the rules must
evaluate cleanly, and the scenario's dead letter must raise LofteDeadLetters and nothing else.
"""

import asyncio
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests import grafana_dashboards as dashboards
from tests.demo_receivers import demo_receivers
from tests.e2e.lund_scenario import drive_scenario
from tests.polling import eventually
from tests.processes import ServiceProcess, all_services, service_env, wait_ready
from tests.prometheus_server import Prometheus, PrometheusError, running

# Values a variable must offer and the checks use; other multi-value variables get "All".
PREFERRED = {"promise": "lund-2017", "organisation": "polisen"}
# From the last event posted until every panel has data: a few scrapes and rule evaluations.
WITHIN = 30.0
HISTOGRAM_SERIES = re.compile(r"_(bucket|sum|count)$")


@pytest.fixture
def services(
    kafka_bootstrap: str, database_url: str, namespace: str, tmp_path: Path
) -> Iterator[dict[str, ServiceProcess]]:
    # As `make up` runs them: the scenario's notifications are delivered, to the demo's own
    # receivers, rather than failing against the example addresses and raising an alert.
    with demo_receivers(tmp_path / "receivers") as receivers:
        env = {
            **service_env(kafka_bootstrap, database_url, namespace),
            **receivers.notifications_env(),
        }
        with all_services(env, tmp_path) as up:
            yield up


@pytest.fixture
def prometheus(services: dict[str, ServiceProcess], tmp_path: Path) -> Iterator[Prometheus]:
    targets = {name: f"127.0.0.1:{service.port}" for name, service in services.items()}
    with running(targets, tmp_path / "prometheus") as server:
        yield server


async def test_every_dashboard_query_has_data_from_the_running_services(
    services: dict[str, ServiceProcess],
    prometheus: Prometheus,
    database_url: str,
    kafka_bootstrap: str,
    namespace: str,
) -> None:
    await asyncio.gather(prometheus.wait_ready(), *(wait_ready(s) for s in services.values()))
    # Scraped once before anything happens, so counters are seen at zero before they move.
    await eventually(lambda: targets_not_up(prometheus), lambda down: not down, within=15)

    await drive_scenario(services["activities"].url, database_url, kafka_bootstrap, namespace)

    found = await settled_problems(prometheus, dashboards.load())
    if found:
        pytest.fail(
            f"{len(found)} problem(s) with the dashboards against live data:\n  "
            + "\n  ".join(found)
            + f"\nDashboards are generated: fix infra/grafana/dashboards_src/ and run "
            f"`{dashboards.REGENERATE}`; rules are in infra/prometheus/rules/.",
            pytrace=False,
        )


async def targets_not_up(prometheus: Prometheus) -> list[str]:
    targets = (await prometheus.api("targets"))["activeTargets"]
    if not targets:
        return ["no targets yet"]
    return [
        f"{target['labels']['job']}: {target['health']} {target['lastError']}"
        for target in targets
        if target["health"] != "up"
    ]


async def settled_problems(
    prometheus: Prometheus, committed: Mapping[str, dict[str, Any]]
) -> list[str]:
    """No problems as soon as there are none, or those still left after WITHIN seconds."""
    try:
        return await eventually(
            lambda: problems(prometheus, committed),
            lambda found: not found,
            within=WITHIN,
            every=1.0,
        )
    except AssertionError:
        return await problems(prometheus, committed)


async def problems(prometheus: Prometheus, committed: Mapping[str, dict[str, Any]]) -> list[str]:
    known = await known_metrics(prometheus)
    found: list[str] = []
    for document in committed.values():
        values, unresolved = await resolve_variables(prometheus, document)
        found += unresolved
        for query in dashboards.queries(document):
            expr = dashboards.substitute(query.expr, values)
            unknown = sorted(
                name
                for name in dashboards.metric_names(expr)
                if name not in known and HISTOGRAM_SERIES.sub("", name) not in known
            )
            try:
                result = await prometheus.api("query", query=expr)
            except PrometheusError as error:
                found.append(f"{query}: {error}")
                continue
            if unknown:
                found.append(f"{query}: no service exposes {', '.join(unknown)}")
            elif not result["result"]:
                found.append(f"{query}: no data (as run: {expr})")
    return found + await rule_problems(prometheus)


async def known_metrics(prometheus: Prometheus) -> set[str]:
    """Families the targets declare (with or without samples yet) and recorded series."""
    metadata = await prometheus.api("metadata")
    groups = (await prometheus.api("rules"))["groups"]
    recorded = {rule["name"] for group in groups for rule in group["rules"]}
    return set(metadata) | recorded | {"up"}


async def resolve_variables(
    prometheus: Prometheus, document: Mapping[str, Any]
) -> tuple[dict[str, str], list[str]]:
    """Each variable's value as the checks use it, and why a variable has none.

    A variable without values is reported and then matches everything, so that the panels
    behind it are still checked one by one.
    """
    values: dict[str, str] = {}
    found = []
    for variable in dashboards.variables(document):
        selector = dashboards.substitute(variable.selector, values)
        offered = await prometheus.api(f"label/{variable.label}/values", **{"match[]": selector})
        where = (
            f"{document['title']} › ${variable.name} = label_values({selector}, {variable.label})"
        )
        preferred = PREFERRED.get(variable.name)
        if not offered:
            found.append(f"{where}: no values")
            values[variable.name] = ".*"
        elif preferred is not None:
            if preferred not in offered:
                found.append(f"{where}: {preferred!r} not among {offered}")
            values[variable.name] = preferred
        elif variable.multi:
            values[variable.name] = variable.all_value or dashboards.all_of(offered)
        else:
            values[variable.name] = offered[0]
    return values, found


async def rule_problems(prometheus: Prometheus) -> list[str]:
    groups = (await prometheus.api("rules"))["groups"]
    found = [
        f"rule {rule['name']} in {group['file']}: {rule.get('lastError')}"
        for group in groups
        for rule in group["rules"]
        if rule.get("health") == "err"
    ]
    alerts = (await prometheus.api("alerts"))["alerts"]
    expected = [
        alert
        for alert in alerts
        if alert["labels"].get("alertname") == "LofteDeadLetters"
        and alert["labels"].get("job") == "metrics"
    ]
    found += [
        f"alert {alert['labels']} is {alert['state']} in a run where nothing else is wrong"
        for alert in alerts
        if alert not in expected
    ]
    if not any(alert["state"] == "firing" for alert in expected):
        found.append(
            "LofteDeadLetters is not firing for the dead letter the metrics service parked "
            '(increase() needs lofte_consumer_records_total{outcome="dead_letter"} at 0 '
            "before the first one: is it created when the consumer subscribes?)"
        )
    return found
