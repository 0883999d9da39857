"""What the engine counts: each event once, as of its own time, with retractions applied."""

from datetime import timedelta

import pytest

from services.metrics.domain.facts import KnownEvent
from tests.unit.lund_events import KOMMUNEN, POLISEN, activity, commitment_at, local, retraction

WALKS = "handelsebaserade-trygghetsvandringar"
IN_JUNE = local(2017, 6, 1)


def walk(day: int, event_id: str, *, source: str = POLISEN) -> KnownEvent:
    return activity(WALKS, local(2017, 4, day, 18), source=source, event_id=event_id)


def test_a_retraction_undoes_exactly_its_own_event() -> None:
    first, second = walk(5, "walk-1"), walk(12, "walk-2")
    # Another partner's event may carry the same id: only the reporter's own counts.
    theirs = walk(19, "walk-2", source=KOMMUNEN)

    undo = retraction(second, local(2017, 4, 13))

    kpi = commitment_at(WALKS, [first, second, theirs, undo], IN_JUNE)

    assert kpi.done == 2


@pytest.mark.parametrize("retraction_first", [True, False])
def test_a_retraction_applies_whichever_arrives_first(retraction_first: bool) -> None:
    walk_event = walk(5, "walk-1")
    undo = retraction(walk_event, local(2017, 4, 6))
    events = [undo, walk_event] if retraction_first else [walk_event, undo]

    assert commitment_at(WALKS, events, IN_JUNE).done == 0


def test_a_retraction_dated_before_its_event_still_removes_it() -> None:
    walk_event = walk(5, "walk-1")
    # A partner clock running behind: the withdrawal carries an earlier time.
    undo = retraction(walk_event, local(2017, 4, 5, 17))

    assert commitment_at(WALKS, [walk_event, undo], IN_JUNE).done == 0


def test_a_later_retraction_does_not_rewrite_what_was_known_before_it() -> None:
    walk_event = walk(5, "walk-1")
    undo = retraction(walk_event, local(2017, 5, 20))

    assert commitment_at(WALKS, [walk_event, undo], local(2017, 5, 19)).done == 1
    assert commitment_at(WALKS, [walk_event, undo], IN_JUNE).done == 0


def test_a_correction_is_a_retraction_and_a_new_event() -> None:
    wrong = walk(5, "walk-1")
    events = [wrong, retraction(wrong, local(2017, 4, 6)), walk(5, "walk-1-corrected")]

    assert commitment_at(WALKS, events, IN_JUNE).done == 1


def test_an_event_sent_three_times_counts_once() -> None:
    walk_event = walk(5, "walk-1")

    assert commitment_at(WALKS, [walk_event, walk_event, walk_event], IN_JUNE).done == 1


def test_an_event_counts_only_from_its_own_time_on() -> None:
    walk_event = walk(5, "walk-1")
    held_at = local(2017, 4, 5, 18)

    assert commitment_at(WALKS, [walk_event], held_at - timedelta(seconds=1)).done == 0
    assert commitment_at(WALKS, [walk_event], held_at).done == 1


def test_two_different_events_under_one_id_resolve_the_same_whatever_the_order() -> None:
    early = walk(5, "walk-1")
    late = walk(26, "walk-1")
    before_the_late_one = local(2017, 4, 20)

    one_way = commitment_at(WALKS, [early, late], before_the_late_one)
    other_way = commitment_at(WALKS, [late, early], before_the_late_one)

    assert one_way == other_way
    assert one_way.done == 1


def test_the_evaluation_time_must_say_its_time_zone() -> None:
    naive = IN_JUNE.replace(tzinfo=None)

    with pytest.raises(ValueError, match="time zone"):
        commitment_at(WALKS, [], naive)
