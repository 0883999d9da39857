"""The latest KPIs as Prometheus series, for Grafana.

Labels are bounded by the promise's own ids (promise, commitment, focus area, organisation,
indicator, category): no event ids, no free text.

The series are written in the text exposition format directly, once per evaluation, and
served from that text until the next one. With ten promises they are thousands of samples,
and prometheus_client's general exposition (label names validated and escaped for every
sample) took most of a scrape's time, in the event loop the evaluator and consumer share.
Labels come in name order and values as prometheus_client writes them, so the text is the
one its exposition would give.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence

from services.metrics.domain.kpis import PromiseKpis
from shared.contracts.kpis import Status
from shared.prometheus_text import label, number

# (name, help) in the order they are served.
FAMILIES = (
    ("lofte_commitment_done", "Done so far this period."),
    ("lofte_commitment_target", "Promised for the period."),
    (
        "lofte_commitment_expected",
        "Where the commitment should be by now: target times the elapsed share.",
    ),
    ("lofte_commitment_progress_ratio", "Done divided by target."),
    ("lofte_commitment_status", "1 for the commitment's current status, 0 for the others."),
    ("lofte_commitment_missed_slots", "Slots of a recurring commitment missed this period."),
    ("lofte_coverage_ratio", "Share of started coverage cells covered, per organisation."),
    (
        "lofte_commitment_responsible",
        "1 for each organisation responsible for a commitment (for dashboards' filters).",
    ),
    (
        "lofte_outcome_value",
        "An outcome indicator's value for the period to date ('total' or per category).",
    ),
    (
        "lofte_outcome_comparison_value",
        "What the outcome is compared with: the same span a year earlier, or the baseline.",
    ),
    ("lofte_outcome_status", "1 for the outcome's current status, 0 for the others."),
)

Sample = tuple[str, str, float]  # family, labels as written between the braces, value


def _commitment_samples(kpis: PromiseKpis) -> Iterator[Sample]:
    promise = label("promise", kpis.promise)
    for kpi in kpis.commitments:
        of = f"{label('commitment', kpi.id)},{label('focus_area', kpi.focus_area)}"
        labels = f"{of},{promise}"
        yield "lofte_commitment_done", labels, kpi.done
        if kpi.target is not None:
            yield "lofte_commitment_target", labels, kpi.target
        if kpi.expected is not None:
            yield "lofte_commitment_expected", labels, kpi.expected
        if kpi.progress_ratio is not None:
            yield "lofte_commitment_progress_ratio", labels, kpi.progress_ratio
        for each in Status:
            status = f'{labels},status="{each.value}"'
            yield "lofte_commitment_status", status, 1.0 if kpi.status is each else 0.0
        if kpi.kind == "recurring":
            yield "lofte_commitment_missed_slots", labels, len(kpi.missed_slots)
        for organisation, ratio in kpi.coverage_by_organisation.items():
            by = f"{of},{label('organisation', organisation)},{promise}"
            yield "lofte_coverage_ratio", by, ratio
        for organisation in kpi.responsible:
            by = f"{of},{label('organisation', organisation)},{promise}"
            yield "lofte_commitment_responsible", by, 1.0


def _outcome_samples(kpis: PromiseKpis) -> Iterator[Sample]:
    promise = label("promise", kpis.promise)
    for result in kpis.outcomes:
        indicator = f"{label('indicator', result.id)},{promise}"
        for each in Status:
            value = 1.0 if result.status is each else 0.0
            yield "lofte_outcome_status", f'{indicator},status="{each.value}"', value
        if result.value is not None:
            yield "lofte_outcome_value", f'category="total",{indicator}', result.value
        for category, count in result.by_category.items():
            yield "lofte_outcome_value", f"{label('category', category)},{indicator}", count
        if result.comparison_value is not None:
            total = f'category="total",{indicator}'
            yield "lofte_outcome_comparison_value", total, result.comparison_value
        for category, count in result.comparison_by_category.items():
            by = f"{label('category', category)},{indicator}"
            yield "lofte_outcome_comparison_value", by, count


def exposition(promises: Sequence[PromiseKpis]) -> bytes:
    """The KPI gauges of `promises` in the text format, as generate_latest writes it."""
    lines: dict[str, list[str]] = {name: [] for name, _ in FAMILIES}
    for kpis in promises:
        for samples in (_commitment_samples(kpis), _outcome_samples(kpis)):
            for family, labels, value in samples:
                lines[family].append(f"{family}{{{labels}}} {number(value)}\n")
    text = []
    for name, help_text in FAMILIES:
        text.append(f"# HELP {name} {help_text}\n# TYPE {name} gauge\n")
        text.extend(lines[name])
    return "".join(text).encode()


class KpiExposition:
    """The latest KPIs' series, written again only when the evaluator has new KPIs."""

    def __init__(self, latest: Callable[[], Mapping[str, PromiseKpis]]) -> None:
        self._latest = latest
        self._written: tuple[PromiseKpis, ...] = ()
        self._text = exposition(())

    def __call__(self) -> bytes:
        current = tuple(self._latest().values())
        unchanged = len(current) == len(self._written) and all(
            now is before for now, before in zip(current, self._written, strict=True)
        )
        if not unchanged:
            self._text = exposition(current)
            self._written = current
        return self._text
