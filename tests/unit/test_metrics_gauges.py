"""The KPIs as Prometheus series: what Grafana reads, written once per evaluation."""

from prometheus_client.parser import text_string_to_metric_families

from services.metrics.domain.engine import evaluate
from services.metrics.domain.kpis import PromiseKpis
from services.metrics.gauges import FAMILIES, KpiExposition, exposition
from shared.prometheus_text import label
from tests.unit.lund_events import activity, incident, local, lund

AT = local(2017, 8, 1)


def lund_kpis() -> PromiseKpis:
    events = [
        activity("sno-mote", local(2017, 3, 6, 9)),
        activity("motesplatser-besok", local(2017, 4, 3, 19), place="Fritidsgården Arken"),
        incident("narkotika.bruk", local(2017, 5, 2, 22)),
        incident("narkotika.innehav", local(2016, 5, 2, 22)),
    ]
    return evaluate(lund(), events, AT)


def series(text: bytes) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    families = list(text_string_to_metric_families(text.decode()))
    assert [(f.name, f.type) for f in families] == [(name, "gauge") for name, _ in FAMILIES]
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in families
        for sample in family.samples
    }


def test_every_commitment_has_its_figures_and_one_current_status() -> None:
    kpis = lund_kpis()

    found = series(exposition([kpis]))

    for kpi in kpis.commitments:
        labels = {("promise", "lund-2017"), ("commitment", kpi.id), ("focus_area", kpi.focus_area)}
        assert found[("lofte_commitment_done", frozenset(labels))] == kpi.done
        statuses = {
            dict(key)["status"]: value
            for (name, key), value in found.items()
            if name == "lofte_commitment_status" and labels <= key
        }
        assert statuses[kpi.status.value] == 1.0
        assert sum(statuses.values()) == 1.0
        for organisation in kpi.responsible:
            by = frozenset({*labels, ("organisation", organisation)})
            assert found[("lofte_commitment_responsible", by)] == 1.0


def test_outcomes_by_category_and_in_total() -> None:
    kpis = lund_kpis()

    found = series(exposition([kpis]))

    for result in kpis.outcomes:
        of = {("promise", "lund-2017"), ("indicator", result.id)}
        if result.value is not None:
            key = frozenset({*of, ("category", "total")})
            assert found[("lofte_outcome_value", key)] == result.value
        for category, count in result.by_category.items():
            key = frozenset({*of, ("category", category)})
            assert found[("lofte_outcome_value", key)] == count


def test_nothing_evaluated_yet_still_declares_every_family() -> None:
    assert series(exposition([])) == {}


def test_label_values_are_escaped() -> None:
    assert label("category", 'a"b\\c\nd') == r'category="a\"b\\c\nd"'


def test_the_text_is_written_again_only_for_new_kpis() -> None:
    latest = {"lund-2017": lund_kpis()}
    written = KpiExposition(lambda: latest)

    first = written()
    again = written()
    latest["lund-2017"] = evaluate(lund(), [], AT)
    renewed = written()

    assert again is first
    assert renewed != first
    assert renewed == exposition([latest["lund-2017"]])
