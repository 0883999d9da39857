"""Which promise an event belongs to: the one rule the activities and metrics services share."""

from typing import Any

import pytest

from shared.contracts.errors import InvalidEvent
from shared.promises import Promise, load_promise_text, place, placed_in
from tests.unit.lund_events import local, lund
from tests.unit.test_promise_files import MINIMAL

MAY = local(2017, 5, 26, 18)


def round_of_lund(promise_id: str, **fields: Any) -> Promise:
    return Promise.model_validate({**lund().model_dump(), "id": promise_id, **fields})


def test_an_event_belongs_to_the_promise_it_names() -> None:
    deployed = [lund(), round_of_lund("lund-kopia")]

    placement = place(deployed, "volontarinsatser", MAY, "lund-kopia")

    assert (placement.promise.id, placement.commitment.id) == ("lund-kopia", "volontarinsatser")
    assert placed_in(deployed, "volontarinsatser", MAY, "lund-2017") == "lund-2017"


def test_naming_none_it_belongs_to_the_only_promise_in_force_holding_its_commitment() -> None:
    first = load_promise_text(
        MINIMAL.replace("valid_from: 2017-03-01", "valid_from: 2017-03-01\nvalid_to: 2017-12-31"),
        "first.yaml",
    )
    second = load_promise_text(
        MINIMAL.replace("id: test-promise", "id: test-2018").replace("2017-03-01", "2018-01-01"),
        "second.yaml",
    )

    assert placed_in([first, second], "vandringar", MAY) == "test-promise"
    assert placed_in([first, second], "vandringar", local(2018, 1, 1)) == "test-2018"
    # Lund's day decides, whatever the date in UTC.
    assert placed_in([first, second], "vandringar", local(2017, 12, 31, 23, 30)) == "test-promise"


@pytest.mark.parametrize(
    ("commitment", "when", "named", "location", "message"),
    [
        ("sno-mote", MAY, None, "data.promise", "the commitment is in several promises"),
        ("no-such", MAY, None, "data.commitment", "unknown commitment"),
        ("sno-mote", MAY, "no-such-promise", "data.commitment", "unknown commitment in promise"),
        ("sno-mote", local(2017, 2, 27), "lund-2017", "time", "is outside the promise's validity"),
    ],
)
def test_an_event_no_promise_takes_is_refused_and_counted_nowhere(
    commitment: str, when: Any, named: str | None, location: str, message: str
) -> None:
    deployed = [lund(), round_of_lund("lund-kopia")]

    with pytest.raises(InvalidEvent) as refused:
        place(deployed, commitment, when, named)

    [problem] = refused.value.problems
    assert problem.location == location
    assert problem.message.startswith(message)
    assert placed_in(deployed, commitment, when, named) is None
