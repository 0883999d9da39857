"""Cursors: a position and the filters it was made under, opaque to clients, refused when
tampered with or sent with other filters."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from shared.http.paging import a_uuid, decode_cursor, encode_cursor, instant
from shared.http.problems import ProblemError

FILTERS = {"commitment": ["sno-mote"], "organisation": ["polisen"]}
POSITION = ["2017-03-06T09:00:00.123456+00:00", "urn:lofte:partner:polisen", "möte 1"]


def test_a_cursor_gives_back_its_position_under_the_same_filters_in_any_order() -> None:
    cursor = encode_cursor(POSITION, FILTERS)
    reordered = {"organisation": ["polisen"], "commitment": ["sno-mote"]}

    assert decode_cursor(cursor, reordered, size=3) == POSITION
    assert "=" not in cursor
    assert "polisen" not in cursor  # opaque, if not secret


@pytest.mark.parametrize(
    "filters", [{}, {"commitment": ["sno-mote"]}, {**FILTERS, "type": ["activity.completed"]}]
)
def test_a_cursor_sent_with_other_filters_is_refused(filters: dict[str, list[str]]) -> None:
    cursor = encode_cursor(POSITION, FILTERS)

    with pytest.raises(ProblemError, match="other filters") as refused:
        decode_cursor(cursor, filters, size=3)
    assert refused.value.status == 400


@pytest.mark.parametrize("cursor", ["", "x", "!!!!", "bnVsbA", encode_cursor(["a"], FILTERS)])
def test_a_cursor_this_list_did_not_give_is_refused(cursor: str) -> None:
    with pytest.raises(ProblemError, match="not one this list gave"):
        decode_cursor(cursor, FILTERS, size=3)


def test_a_cursor_made_for_one_list_is_refused_by_another() -> None:
    cursor = encode_cursor(POSITION, FILTERS, "/v1/notifications")

    assert decode_cursor(cursor, FILTERS, 3, "/v1/notifications") == POSITION
    with pytest.raises(ProblemError, match="not one this list gave"):
        decode_cursor(cursor, FILTERS, 3, "/v1/silences")


def test_times_and_ids_go_into_a_cursor_as_text_and_their_readers_take_them_back() -> None:
    moment = datetime(2017, 5, 16, 10, 0, 0, 123456, tzinfo=ZoneInfo("Europe/Stockholm"))
    delivery = uuid.uuid4()

    at, key = decode_cursor(encode_cursor([moment, delivery], {}), {}, 2)

    assert (instant(at), a_uuid(key)) == (moment, delivery)
