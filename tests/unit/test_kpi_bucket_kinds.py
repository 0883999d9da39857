"""Every kind of event the KPI rules read reaches them from the kept state: folded into
buckets, or read event by event. A kind in neither would count for nothing."""

import inspect

from services.metrics import kpi_buckets
from services.metrics.domain.fact_log import FactLog
from shared.contracts.events import EVENT_TYPES


def kinds_the_rules_read() -> set[str]:
    """The event types whose data `FactLog.add` files as facts."""
    source = inspect.getsource(FactLog.add)
    return {
        name
        for name, model in EVENT_TYPES.items()
        if f"isinstance(data, {model.__name__})" in source
    }


def test_every_kind_the_rules_read_is_bucketed_or_read_one_by_one() -> None:
    kept = set(kpi_buckets.BUCKETED) | set(kpi_buckets.READ_WHOLE)

    assert kinds_the_rules_read() - {"event.retracted"} == kept


def test_the_kinds_read_one_by_one_are_the_ones_the_query_names() -> None:
    query = inspect.getsource(kpi_buckets.events_read_whole)

    assert all(f"'{kind}'" in query for kind in kpi_buckets.READ_WHOLE)
