import pytest

from shared.privacy.personnummer import contains_personnummer, fields_with_personnummer

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
