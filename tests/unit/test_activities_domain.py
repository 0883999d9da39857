from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from services.activities.domain import Catalogue, Forbidden, accept, accept_all, authorize
from shared.contracts.errors import InvalidEvent
from shared.contracts.events import ActivityCompleted
from shared.promises import default_promises
from tests.factories import activity_completed, event, incident_recorded

NOW = datetime(2017, 6, 1, 12, 0, tzinfo=UTC)
LUND = Catalogue(default_promises())


def test_commitment_events_are_keyed_by_their_commitment_and_placed_in_their_promise() -> None:
    accepted = accept(
        event(activity_completed("volontarinsatser", organisations=("polisen",))), NOW, LUND
    )

    assert accepted.event.subject == "volontarinsatser"
    assert accepted.event.key == "volontarinsatser"
    assert accepted.placement is not None
    assert accepted.placement.promise.id == "lund-2017"
    assert accepted.organisations == ["polisen"]


def test_an_incident_keeps_the_subject_it_was_sent_with() -> None:
    document = incident_recorded()
    document["subject"] = "lund"

    accepted = accept(event(document), NOW, LUND)

    assert accepted.event.key == "lund"
    assert accepted.placement is None


def test_a_subject_that_contradicts_the_commitment_is_refused() -> None:
    document = activity_completed("sno-mote")
    document["subject"] = "volontarinsatser"

    with pytest.raises(InvalidEvent, match="subject: must be the commitment"):
        accept(event(document), NOW, LUND)


def test_up_to_a_day_ahead_is_accepted_for_clock_skew_but_no_more() -> None:
    accept(event(activity_completed(time=NOW + timedelta(hours=23))), NOW, LUND)

    with pytest.raises(InvalidEvent, match="time: is more than a day in the future"):
        accept(event(activity_completed(time=NOW + timedelta(days=1, minutes=1))), NOW, LUND)


def test_an_unknown_commitment_and_a_time_before_the_promise_are_refused() -> None:
    with pytest.raises(InvalidEvent, match=r"data\.commitment: unknown commitment"):
        accept(event(activity_completed("sno-moten")), NOW, LUND)
    early = activity_completed("sno-mote", time=datetime(2017, 2, 27, 9, tzinfo=UTC))
    with pytest.raises(InvalidEvent, match="outside the promise's validity"):
        accept(event(early), NOW, LUND)


def test_organisations_not_responsible_are_named() -> None:
    document = activity_completed("volontarinsatser", organisations=("polisen", "kommunen"))

    with pytest.raises(InvalidEvent, match="not responsible for volontarinsatser: kommunen"):
        accept(event(document), NOW, LUND)


def test_a_personnummer_anywhere_in_the_data_is_refused_and_located() -> None:
    document = activity_completed("sno-mote", place="Hos 121212-1212", notes="ok")

    with pytest.raises(InvalidEvent) as error:
        accept(event(document), NOW, LUND)

    assert [p.location for p in error.value.problems] == ["data.place"]
    assert "1212" not in str(error.value)


def test_a_batch_reports_every_bad_event_at_its_index() -> None:
    good = event(activity_completed())
    unknown = activity_completed()
    unknown["type"] = "activity.finished"
    future = activity_completed(time=NOW + timedelta(days=3))

    with pytest.raises(InvalidEvent) as error:
        accept_all([good, event(unknown), event(future)], NOW, LUND)

    assert [p.location for p in error.value.problems] == ["[1].type", "[2].time"]


def test_only_the_responsible_may_report_and_only_what_they_took_part_in() -> None:
    joint = accept(event(activity_completed("sno-mote")), NOW, LUND)
    police_only = accept(
        event(activity_completed("sno-mote", organisations=("polisen",))), NOW, LUND
    )

    authorize(joint, "kommunen", LUND)
    with pytest.raises(Forbidden, match="raddningstjansten is not responsible for sno-mote"):
        authorize(joint, "raddningstjansten", LUND)
    with pytest.raises(Forbidden, match="may only report activities it took part in"):
        authorize(police_only, "kommunen", LUND)


def test_any_party_may_report_incidents_and_nobody_else() -> None:
    incident = accept(event(incident_recorded()), NOW, LUND)

    authorize(incident, "raddningstjansten", LUND)
    with pytest.raises(Forbidden, match="not a party to any promise"):
        authorize(incident, "skatteverket", LUND)


def test_several_rounds_of_a_promise_are_told_apart_by_the_time_of_the_event() -> None:
    lund_2017 = default_promises()[0]
    earlier_round = lund_2017.model_copy(
        update={"id": "lund-2015", "valid_from": date(2015, 1, 1), "valid_to": date(2016, 12, 31)}
    )
    both = Catalogue([earlier_round, lund_2017])

    in_2016 = accept(
        event(activity_completed("sno-mote", time=datetime(2016, 3, 7, 9, tzinfo=UTC))), NOW, both
    )
    in_2017 = accept(event(activity_completed("sno-mote")), NOW, both)

    assert in_2016.placement is not None
    assert in_2016.placement.promise.id == "lund-2015"
    assert in_2017.placement is not None
    assert in_2017.placement.promise.id == "lund-2017"


def test_overlapping_rounds_need_the_promise_named() -> None:
    lund_2017 = default_promises()[0]
    overlapping = Catalogue([lund_2017, lund_2017.model_copy(update={"id": "lund-2017-extra"})])
    document = activity_completed("sno-mote")

    with pytest.raises(InvalidEvent, match=r"data\.promise: the commitment is in several"):
        accept(event(document), NOW, overlapping)
    document["data"]["promise"] = "lund-2017-extra"
    named = accept(event(document), NOW, overlapping)
    assert named.placement is not None
    assert named.placement.promise.id == "lund-2017-extra"


def visit(place: str | None, commitment: str = "motesplatser-besok") -> dict[str, Any]:
    document = activity_completed(commitment, organisations=("polisen",))
    if place is not None:
        document["data"]["place"] = place
    return document


def test_a_visit_is_registered_at_the_promises_spelling_of_its_place() -> None:
    accepted = accept(event(visit(" ungdomens HUS ")), NOW, LUND)

    assert accepted.event.data["place"] == "Ungdomens hus"
    assert isinstance(accepted.data, ActivityCompleted)
    assert accepted.data.place == "Ungdomens hus"
    assert accepted.event.data["organisations"] == ["polisen"]


def test_an_alias_is_registered_as_the_place_it_stands_for() -> None:
    accepted = accept(event(visit("Ungdomshuset")), NOW, LUND)

    assert accepted.event.data["place"] == "Ungdomens hus"


def test_a_visit_at_a_place_that_would_count_for_nothing_is_refused_naming_those_that_count() -> (
    None
):
    with pytest.raises(InvalidEvent) as refused:
        accept(event(visit("Stortorget")), NOW, LUND)

    (problem,) = refused.value.problems
    assert problem.location == "data.place"
    assert problem.message.startswith("'Stortorget' is none of the places motesplatser-besok")
    for place in ("Fritidsgården Arken", "Ungdomens hus", "Mötesplats Norra Fäladen"):
        assert place in problem.message


def test_a_visit_without_a_place_is_refused_where_places_are_counted() -> None:
    with pytest.raises(InvalidEvent, match=r"data\.place: is required: motesplatser-besok"):
        accept(event(visit(None)), NOW, LUND)


def test_a_class_contact_counts_only_at_a_listed_class() -> None:
    document = activity_completed("kontakt-forskoleklass-ak5", organisations=("raddningstjansten",))
    document["data"]["place"] = "provskolan ÅK 5"
    assert accept(event(document), NOW, LUND).event.data["place"] == "Provskolan åk 5"

    document["data"]["place"] = "Provskolan åk 6"
    with pytest.raises(InvalidEvent, match="none of the places kontakt-forskoleklass-ak5"):
        accept(event(document), NOW, LUND)


def test_a_dated_occurrence_counts_at_its_places_and_may_leave_the_place_out() -> None:
    dialogue = activity_completed("ungdomsdialoger-motesplatser", organisations=("kommunen",))
    assert accept(event(dialogue), NOW, LUND).event.data.get("place") is None

    dialogue["data"]["place"] = "MEJERIET"
    assert accept(event(dialogue), NOW, LUND).event.data["place"] == "Mejeriet"

    dialogue["data"]["place"] = "Stortorget"
    with pytest.raises(InvalidEvent, match="Stadshallen; Mejeriet"):
        accept(event(dialogue), NOW, LUND)


def test_a_place_is_free_where_the_target_names_none() -> None:
    document = activity_completed("volontarinsatser", organisations=("polisen",))
    document["data"]["place"] = "Stortorget"

    assert accept(event(document), NOW, LUND).event.data["place"] == "Stortorget"


def test_a_scheduled_visit_is_held_to_the_same_places() -> None:
    document = visit(None)
    document["type"] = "activity.scheduled"
    document["data"]["planned_time"] = "2017-06-10T19:00:00+02:00"
    assert accept(event(document), NOW, LUND).event.data.get("place") is None

    document["data"]["place"] = "Stortorget"
    with pytest.raises(InvalidEvent, match=r"data\.place"):
        accept(event(document), NOW, LUND)
