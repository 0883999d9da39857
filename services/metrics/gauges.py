"""The latest KPIs as Prometheus series, for Grafana.

Labels are bounded by the promise's own ids (promise, commitment, focus area, organisation,
indicator, category): no event ids, no free text.
"""

from collections.abc import Callable, Iterable, Mapping

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from services.metrics.domain.kpis import PromiseKpis, Status

COMMITMENT = ["promise", "commitment", "focus_area"]


class KpiCollector(Collector):
    def __init__(self, latest: Callable[[], Mapping[str, PromiseKpis]]) -> None:
        self._latest = latest

    def collect(self) -> Iterable[GaugeMetricFamily]:
        done = GaugeMetricFamily(
            "lofte_commitment_done", "Done so far this period.", labels=COMMITMENT
        )
        target = GaugeMetricFamily(
            "lofte_commitment_target", "Promised for the period.", labels=COMMITMENT
        )
        expected = GaugeMetricFamily(
            "lofte_commitment_expected",
            "Where the commitment should be by now: target times the elapsed share.",
            labels=COMMITMENT,
        )
        progress = GaugeMetricFamily(
            "lofte_commitment_progress_ratio", "Done divided by target.", labels=COMMITMENT
        )
        status = GaugeMetricFamily(
            "lofte_commitment_status",
            "1 for the commitment's current status, 0 for the others.",
            labels=[*COMMITMENT, "status"],
        )
        missed = GaugeMetricFamily(
            "lofte_commitment_missed_slots",
            "Slots of a recurring commitment missed this period.",
            labels=COMMITMENT,
        )
        coverage = GaugeMetricFamily(
            "lofte_coverage_ratio",
            "Share of started coverage cells covered, per organisation.",
            labels=[*COMMITMENT, "organisation"],
        )
        responsible = GaugeMetricFamily(
            "lofte_commitment_responsible",
            "1 for each organisation responsible for a commitment (for dashboards' filters).",
            labels=[*COMMITMENT, "organisation"],
        )
        outcome = GaugeMetricFamily(
            "lofte_outcome_value",
            "An outcome indicator's value for the period to date ('total' or per category).",
            labels=["promise", "indicator", "category"],
        )
        comparison = GaugeMetricFamily(
            "lofte_outcome_comparison_value",
            "What the outcome is compared with: the same span a year earlier, or the baseline.",
            labels=["promise", "indicator", "category"],
        )
        outcome_status = GaugeMetricFamily(
            "lofte_outcome_status",
            "1 for the outcome's current status, 0 for the others.",
            labels=["promise", "indicator", "status"],
        )
        for kpis in self._latest().values():
            for kpi in kpis.commitments:
                labels = [kpis.promise, kpi.id, kpi.focus_area]
                done.add_metric(labels, kpi.done)
                if kpi.target is not None:
                    target.add_metric(labels, kpi.target)
                if kpi.expected is not None:
                    expected.add_metric(labels, kpi.expected)
                if kpi.progress_ratio is not None:
                    progress.add_metric(labels, kpi.progress_ratio)
                for each in Status:
                    status.add_metric([*labels, each.value], 1.0 if kpi.status is each else 0.0)
                if kpi.kind == "recurring":
                    missed.add_metric(labels, len(kpi.missed_slots))
                for organisation in kpi.responsible:
                    responsible.add_metric([*labels, organisation], 1.0)
                for organisation, ratio in kpi.coverage_by_organisation.items():
                    coverage.add_metric([*labels, organisation], ratio)
            for result in kpis.outcomes:
                for each in Status:
                    outcome_status.add_metric(
                        [kpis.promise, result.id, each.value], 1.0 if result.status is each else 0.0
                    )
                if result.value is not None:
                    outcome.add_metric([kpis.promise, result.id, "total"], result.value)
                for category, count in result.by_category.items():
                    outcome.add_metric([kpis.promise, result.id, category], count)
                if result.comparison_value is not None:
                    comparison.add_metric(
                        [kpis.promise, result.id, "total"], result.comparison_value
                    )
                for category, count in result.comparison_by_category.items():
                    comparison.add_metric([kpis.promise, result.id, category], count)
        yield from (done, target, expected, progress, status, missed, coverage, responsible)
        yield from (outcome, comparison, outcome_status)
