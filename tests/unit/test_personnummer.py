import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.privacy.personnummer import (
    contains_personnummer,
    fields_with_personnummer,
    text_is_clean,
)

# 19121212-1212 is the Swedish Tax Agency's well-known test number; its check digit is right.
VALID = "19121212-1212"


@pytest.mark.parametrize(
    "text",
    [
        "Samtal med 19121212-1212 efter vandringen",
        "pnr 121212-1212",
        "121212+1212",
        "1212121212",
        "191212121212",
        "kontakt 121272-1219",  # samordningsnummer: day + 60
    ],
)
def test_every_spelling_is_found(text: str) -> None:
    assert contains_personnummer(text)


@pytest.mark.parametrize(
    "text",
    [
        "121212-1213",  # wrong check digit
        "19121212-1213",
        "991399-1234",  # no such month
        "Ärendenummer 2017-0412-33",
        "Trygghetsvandring kl 18:30 med 12 ungdomar",
        "1212121212121",  # part of a longer number
        # UUIDs whose hex digits hold a run that reads as one (010585-7528: day 85 - 60)
        "0f010585-7528-4ec3-b6a6-e2a40f33bc4b",
        "9c1e2f3a-4b5c-4d6e-8f70-a8501011234b",
    ],
)
def test_numbers_that_are_not_personnummer_pass(text: str) -> None:
    assert not contains_personnummer(text)


def test_every_field_carrying_one_is_named_and_the_number_is_not() -> None:
    data = {
        "notes": f"Pratade med {VALID}",
        "place": "Stortorget",
        "participants": {"youths": 3},
        "tags": ["ok", f"id {VALID[2:]}"],
    }

    paths = list(fields_with_personnummer(data))

    assert paths == ["notes", "tags[1]"]
    assert all(VALID not in path for path in paths)


# Strings a partner may write: digits, separators, letters (hex ones among them), and the
# characters JSON must escape, which can put a hex letter right next to digits (`\f`, `\b`).
_written = st.text(alphabet='0123456789-+ afbxyzåÅ\f\b\n"\\/é', max_size=30)
_numbers = st.sampled_from(["8507099805", "850709-9805", "19850709+9805", "850769-9802"])
_carrying = st.builds(
    lambda before, number, after: before + number + after, _written, _numbers, _written
)
_documents = st.recursive(
    st.none() | st.integers() | _written | _carrying,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_written, inner, max_size=4),
    max_leaves=12,
)


@given(document=_documents, ascii_only=st.booleans())
def test_a_text_vouched_clean_has_no_field_that_carries_one(
    document: object, ascii_only: bool
) -> None:
    raw = json.dumps(document, ensure_ascii=ascii_only).encode()
    if text_is_clean(raw):
        assert list(fields_with_personnummer(document)) == []


def test_a_text_with_one_anywhere_is_not_vouched_for() -> None:
    batch = [{"data": {"notes": "ring 19850709-9805"}}, {"data": {"notes": "inget"}}]
    assert not text_is_clean(json.dumps(batch).encode())
    assert text_is_clean(json.dumps([{"data": {"notes": "inget"}}]).encode())


def test_escapes_are_read_for_what_they_stand_for() -> None:
    after_form_feed = json.dumps({"notes": "\f8507099805"}).encode()  # `\f`: not an f
    swedish = json.dumps({"place": "Ungdomens hus, Östra Torn"}).encode()  # `\u00d6`
    assert b"\\f" in after_form_feed
    assert b"\\u00d6" in swedish
    assert not text_is_clean(after_form_feed)
    assert text_is_clean(swedish)


def test_a_text_that_spells_digits_as_escapes_is_not_vouched_for() -> None:
    spelled = b'{"notes": "\\u0038507099805"}'
    assert list(fields_with_personnummer(json.loads(spelled))) == ["notes"]
    assert not text_is_clean(spelled)
    assert not text_is_clean(b'{"notes": "\\u0041 and no number"}')
