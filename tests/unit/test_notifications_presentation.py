"""A notification as people read it: the promise's names for its ids, and an id the promise
no longer knows shown as it is rather than failing the message."""

from datetime import UTC, date, datetime
from typing import Any

from services.notifications.domain import Notification
from services.notifications.domain.presentation import Presenter
from shared.promises import default_promises

PRESENTER = Presenter(default_promises())


def status_change(**facts: Any) -> Notification:
    return Notification(
        key="e1/polisen",
        kind="commitment.status-changed",
        organisation="polisen",
        labels={"organisation": "polisen", "promise": "lund-2017", "commitment": "sno-mote"},
        severity="warning",
        occurred_at=datetime(2017, 5, 16, 8, 0, tzinfo=UTC),
        facts={
            "promise": "lund-2017",
            "commitment": "sno-mote",
            "old_status": "on-track",
            "new_status": "at-risk",
            "figures": {"done": 8, "target": 40, "expected": 11},
            "slot": "2017-05-15",
            **facts,
        },
        source_event_id="e1",
    )


def test_ids_become_the_names_the_promise_gives_them() -> None:
    view = PRESENTER.view(status_change())

    assert view.organisation == "Polisen, lokalpolisområde Lund"
    assert view.promise.startswith("Medborgarlöfte Lund")
    assert view.title == "SNÖ-möte varje måndag"
    assert view.dashboard_path.endswith("var-commitment=sno-mote")
    assert (view.figures and view.figures.done, view.slot) == (8, date(2017, 5, 15))


def test_an_id_the_promise_does_not_know_is_shown_as_it_is() -> None:
    view = PRESENTER.view(status_change(commitment="removed-since", figures=None))

    assert view.title == "removed-since"
    assert view.figures is None
