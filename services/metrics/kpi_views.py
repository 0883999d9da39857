"""KPIs as the HTTP API shows them: the engine's results as the contract's models
(`shared.contracts.kpis`), which readers of the API parse again.

The engine's results carry the contract's field names, so the models read them by name;
only a coverage gap, whose coordinates are fields of their own on the wire, is laid out here.
"""

from services.metrics.domain.kpis import CommitmentKpi, OutcomeKpi, PromiseKpis
from shared.contracts.kpis import CommitmentKpiView, Gap, OutcomeKpiView, PromiseKpisView


def commitment_view(kpi: CommitmentKpi) -> CommitmentKpiView:
    view = CommitmentKpiView.model_validate(kpi, from_attributes=True)
    gaps = [
        Gap.model_validate({**gap.dimensions, "period": gap.period}, from_attributes=True)
        for gap in kpi.gaps
    ]
    return view.model_copy(update={"gaps": gaps})


def outcome_view(kpi: OutcomeKpi) -> OutcomeKpiView:
    return OutcomeKpiView.model_validate(kpi, from_attributes=True)


def promise_view(kpis: PromiseKpis) -> PromiseKpisView:
    return PromiseKpisView(
        promise=kpis.promise,
        at=kpis.at,
        known_at=kpis.known_at,
        commitments=[commitment_view(c) for c in kpis.commitments],
        outcomes=[outcome_view(o) for o in kpis.outcomes],
    )
