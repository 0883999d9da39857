"""Which spellings of a place count for a commitment, and which promise files are ambiguous."""

import unicodedata

import pytest

from shared.promises import (
    Commitment,
    Promise,
    PromiseFileError,
    default_promise,
    load_promise_text,
)
from shared.promises.places import canonical_place, counted_places, normalised, place_required
from tests.unit.test_promise_files import MINIMAL


def shipped() -> Promise:
    promise = default_promise()
    assert promise is not None
    return promise


def commitment(commitment_id: str) -> Commitment:
    found = shipped().commitment(commitment_id)
    assert found is not None
    return found


LUND = shipped()
VISITS = commitment("motesplatser-besok")
DIALOGUES = commitment("ungdomsdialoger-motesplatser")


@pytest.mark.parametrize(
    "reported",
    [
        "Ungdomens hus",
        "Ungdomens Hus",
        "  ungdomens hus\t",
        "UNGDOMENS HUS",
        "uh",
        " Ungdomshuset ",
    ],
)
def test_any_case_spaces_or_alias_is_known_by_the_promises_name(reported: str) -> None:
    assert canonical_place(LUND, VISITS, reported) == "Ungdomens hus"


def test_a_decomposed_letter_matches_the_composed_one() -> None:
    decomposed = unicodedata.normalize("NFD", "Mötesplats Norra Fäladen")
    assert decomposed != "Mötesplats Norra Fäladen"

    assert canonical_place(LUND, VISITS, decomposed) == "Mötesplats Norra Fäladen"


@pytest.mark.parametrize("reported", ["Stortorget", "Ungdomens", "Ungdomens  hus", "Stadshallen"])
def test_a_place_the_target_does_not_name_matches_nothing(reported: str) -> None:
    assert canonical_place(LUND, VISITS, reported) is None


def test_dated_occurrences_count_at_their_places_and_aliases() -> None:
    assert counted_places(DIALOGUES) == ("Stadshallen", "Mejeriet")
    assert canonical_place(LUND, DIALOGUES, "lunds stadshall") == "Stadshallen"
    assert canonical_place(LUND, DIALOGUES, "Ungdomens hus") is None
    assert not place_required(DIALOGUES)
    assert place_required(VISITS)


def test_a_target_without_places_counts_anywhere() -> None:
    assert counted_places(commitment("volontarinsatser")) == ()


def test_normalising_is_idempotent_and_ignores_what_it_should() -> None:
    assert normalised(" Straße ") == normalised("STRASSE") == "strasse"
    assert normalised(normalised("Ångström")) == normalised("Ångström")


COVERAGE = (
    MINIMAL
    + """\
  - id: besok
    focus_area: trygghet
    title: Besök
    description: Varje mötesplats varje månad.
    responsible: [polisen]
    target:
      kind: coverage
      dimensions:
        - kind: places
          members: [Arken, Linero]
"""
)


def problems(text: str) -> list[str]:
    with pytest.raises(PromiseFileError) as error:
        load_promise_text(text, "test.yaml")
    return [str(problem) for problem in error.value.problems]


def test_unambiguous_aliases_load() -> None:
    promise = load_promise_text(
        COVERAGE + "places:\n  - {name: arken, aliases: [Fritidsgården Arken]}\n", "test.yaml"
    )

    visits = promise.commitment("besok")
    assert visits is not None
    assert canonical_place(promise, visits, "fritidsgården arken") == "Arken"


def test_an_alias_that_is_another_place_is_refused_at_its_line() -> None:
    text = COVERAGE + "places:\n  - name: Arken\n    aliases: [LINERO]\n"

    assert problems(text) == [
        "test.yaml:37:15 places[0].aliases[0]: 'LINERO' would also mean 'Linero'"
    ]


def test_an_alias_given_for_two_places_is_refused() -> None:
    text = COVERAGE + (
        "places:\n  - {name: Arken, aliases: [Gården]}\n  - {name: Linero, aliases: [' gården']}\n"
    )

    (problem,) = problems(text)
    assert "places[1].aliases[0]: ' gården' would also mean 'Arken'" in problem


def test_an_alias_of_no_place_and_the_name_itself_as_alias_are_refused() -> None:
    text = COVERAGE + (
        "places:\n"
        "  - {name: Stortorget, aliases: [Torget]}\n"
        "  - {name: Linero, aliases: [linero]}\n"
    )

    found = problems(text)
    assert any(
        "places[0].name: no target of the promise names the place 'Stortorget'" in p for p in found
    )
    assert any("places[1].aliases[0]: 'linero' is the name itself" in p for p in found)


def test_members_that_differ_only_in_case_are_refused() -> None:
    text = COVERAGE.replace("[Arken, Linero]", "[Arken, Linero, ARKEN]")

    (problem,) = problems(text)
    assert "commitments[2].target.dimensions[0].members[2]: 'ARKEN' and 'Arken'" in problem
