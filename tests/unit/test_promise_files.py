"""What someone editing a promise file is told when it is wrong: file, line, column, path."""

from importlib.resources import files

import pytest

from shared.promises import PromiseFileError, load_promise_text

# Line numbers in the tests below refer to this file.
MINIMAL = """\
id: test-promise
title: Testlöfte
area: Testkommun
parties:
  - {id: polisen, name: Polisen}
  - {id: kommunen, name: Kommunen}
valid_from: 2017-03-01
focus_areas:
  - {id: trygghet, title: Trygghet}
commitments:
  - id: vandringar
    focus_area: trygghet
    title: Trygghetsvandringar
    description: Minst två.
    responsible: [polisen, kommunen]
    target: {kind: count, at_least: 2}
  - id: folder
    focus_area: trygghet
    title: Folder
    description: Ta fram en folder.
    responsible: [kommunen]
    target:
      kind: deliverable
      title: Folder
"""


def problems(text: str) -> list[str]:
    with pytest.raises(PromiseFileError) as error:
        load_promise_text(text, "test.yaml")
    assert str(error.value) == "\n".join(str(p) for p in error.value.problems)
    return [str(problem) for problem in error.value.problems]


def test_the_minimal_file_is_valid() -> None:
    promise = load_promise_text(MINIMAL, "test.yaml")

    assert [c.id for c in promise.commitments] == ["vandringar", "folder"]


def test_a_negative_at_least() -> None:
    text = MINIMAL.replace("at_least: 2", "at_least: -2")

    assert problems(text) == [
        "test.yaml:16:37 commitments[0].target.at_least: Input should be greater than 0"
    ]


def test_an_unknown_responsible_organisation() -> None:
    text = MINIMAL.replace("[polisen, kommunen]", "[polisen, brandkaren]")

    assert problems(text) == [
        "test.yaml:15:28 commitments[0].responsible[1]: unknown organisation 'brandkaren'; "
        "the parties are polisen, kommunen"
    ]


def test_an_unknown_target_kind_points_at_the_kind() -> None:
    text = MINIMAL.replace("kind: deliverable", "kind: leverans")

    (problem,) = problems(text)
    assert problem.startswith(
        "test.yaml:23:13 commitments[1].target.kind: Input tag 'leverans' found using 'kind' "
        "does not match any of the expected tags: 'count', 'recurring', 'coverage', 'dated', "
        "'deliverable', 'open-count'"
    )


def test_a_duplicate_commitment_id_points_at_the_second() -> None:
    text = MINIMAL.replace("id: folder", "id: vandringar")

    assert problems(text) == [
        "test.yaml:17:9 commitments[1].id: duplicate commitment id 'vandringar'"
    ]


def test_bad_indentation_is_a_yaml_error_with_its_line() -> None:
    text = MINIMAL.replace("    title: Folder\n", "     title: Folder\n", 1)

    assert problems(text) == ["test.yaml:19:11 mapping values are not allowed here"]


def test_an_unclosed_list_is_a_yaml_error_with_its_line() -> None:
    text = MINIMAL.replace("responsible: [kommunen]", "responsible: [kommunen")

    (problem,) = problems(text)
    assert problem.startswith("test.yaml:22:11 while parsing a flow sequence")


def test_every_problem_is_listed_in_file_order() -> None:
    text = (
        MINIMAL.replace("at_least: 2", "at_least: 0")
        .replace("    title: Trygghetsvandringar\n", "")
        .replace("kind: deliverable\n", "kind: deliverable\n      colour: red\n")
    )

    assert problems(text) == [
        "test.yaml:11:5 commitments[0].title: Field required",
        "test.yaml:15:37 commitments[0].target.at_least: Input should be greater than 0",
        "test.yaml:23:7 commitments[1].target.colour: Extra inputs are not permitted",
    ]


def test_a_key_given_twice_is_not_silently_dropped() -> None:
    text = MINIMAL.replace("    title: Folder\n", "    title: Folder\n    title: Broschyr\n", 1)

    assert problems(text) == [
        "test.yaml:20:5 commitments[1].title: duplicate key (first on line 19)"
    ]


def test_a_breakdown_larger_than_its_total() -> None:
    text = MINIMAL + (
        "outcome_indicators:\n"
        "  - id: narkotika\n"
        "    title: Upptäckta narkotikabrott\n"
        "    measured_by: {kind: crime-statistics, categories: [narkotika.bruk]}\n"
        "    comparison: baseline\n"
        "    direction: up\n"
        "    baseline:\n"
        "      period: {start: 2016-04-01, end: 2016-12-31}\n"
        "      total: 100\n"
        "      by_category: {narkotika.bruk: 101}\n"
    )

    assert problems(text) == [
        "test.yaml:31:5 outcome_indicators[0].baseline: "
        "the categories add up to 101, more than the total 100"
    ]


def test_an_unquoted_time_of_day_is_refused() -> None:
    text = MINIMAL.replace(
        "target: {kind: count, at_least: 2}",
        "target:\n"
        "      kind: recurring\n"
        "      schedule: {kind: weekly, weekday: monday, window: {start: 10:30, end: '12:00'}}",
    )

    assert problems(text) == [
        "test.yaml:18:65 commitments[0].target.schedule.window.start: "
        "write a time of day in quotes, e.g. '10:30'"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "test.yaml:1:1 the file is empty"),
        ("- id: x\n", "test.yaml:1:1 Input should be a valid dictionary or instance of Promise"),
        (
            "id: x\n\ttitle: y\n",
            "test.yaml:2:1 while scanning for the next token, found character '\\t'",
        ),
    ],
)
def test_files_that_are_no_promise_at_all(text: str, expected: str) -> None:
    assert problems(text)[0].startswith(expected)


def test_the_lund_file_points_at_its_own_lines() -> None:
    text = files("shared.promises").joinpath("lund-2017.yaml").read_text(encoding="utf-8")
    line = text.splitlines().index("    target: {kind: count, at_least: 5, period: year}") + 1
    broken = text.replace("at_least: 5", "at_least: -5")

    assert problems(broken) == [
        f"test.yaml:{line}:37 commitments[10].target.at_least: Input should be greater than 0"
    ]
