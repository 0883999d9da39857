"""The public site's memory of the figures: what a failed read leaves, and what a restart
finds, with a fake metrics service and a real folder."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry

from services.public.domain.snapshot import Snapshot
from services.public.kpi_source import KpiSource, KpiUnavailable
from services.public.refresher import Refresher
from services.public.snapshot_store import SnapshotStore
from services.public.telemetry import PublicMetrics
from shared.contracts.kpi_events import PeriodSpan
from shared.contracts.kpis import CommitmentKpiView, PromiseKpisView, Status
from shared.promises import default_promises

START = datetime(2017, 6, 1, 10, tzinfo=UTC)


class ScriptedSource(KpiSource):
    """Answers with the next of `answers`; an exception is raised instead."""

    def __init__(self, *answers: PromiseKpisView | KpiUnavailable) -> None:
        # No client: nothing is asked over HTTP.
        self._answers = list(answers)

    async def promise_kpis(
        self, promise_id: str, at: Any = None, period_of: Any = None, known_at: Any = None
    ) -> PromiseKpisView:
        answer = self._answers.pop(0)
        if isinstance(answer, KpiUnavailable):
            raise answer
        return answer


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def figures(done: int) -> PromiseKpisView:
    volunteers = CommitmentKpiView(
        id="volontarinsatser",
        kind="count",
        focus_area="trygghet",
        responsible=["polisen"],
        status=Status.BEHIND,
        period=PeriodSpan(start=date(2017, 1, 1), end=date(2018, 1, 1)),
        done=done,
        target=5,
    )
    return PromiseKpisView(promise="lund-2017", at=START, commitments=[volunteers], outcomes=[])


def refresher(source: KpiSource, folder: Path, clock: Clock) -> Refresher:
    return Refresher(
        promises=default_promises()[:1],
        source=source,
        store=SnapshotStore(folder),
        clock=clock,
        interval_seconds=60,
        metrics=PublicMetrics(CollectorRegistry()),
    )


async def test_a_failed_read_keeps_the_last_figures_which_grow_older(tmp_path: Path) -> None:
    clock = Clock()
    reading = refresher(ScriptedSource(figures(2), KpiUnavailable("down")), tmp_path, clock)

    await reading.refresh()
    clock.now = START + timedelta(minutes=20)
    await reading.refresh()

    kept = reading.snapshot("lund-2017")
    assert kept is not None
    assert kept.kpis == figures(2)
    assert kept.age(clock.now) == timedelta(minutes=20)


async def test_after_a_restart_the_kept_figures_are_served_until_a_read_succeeds(
    tmp_path: Path,
) -> None:
    clock = Clock()
    first = refresher(ScriptedSource(figures(3)), tmp_path, clock)
    await first.refresh()

    restarted = refresher(ScriptedSource(KpiUnavailable("down")), tmp_path, clock)
    assert restarted.snapshot("lund-2017") is None
    restarted.restore()
    await restarted.refresh()

    assert restarted.snapshot("lund-2017") == Snapshot("lund-2017", START, figures(3))


def test_a_kept_file_that_cannot_be_read_is_no_figures_rather_than_an_error(
    tmp_path: Path,
) -> None:
    (tmp_path / "lund-2017.json").write_text("{not json", encoding="utf-8")

    assert SnapshotStore(tmp_path).load("lund-2017") is None
