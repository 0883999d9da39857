"""`lofte promise ...` as a user runs it: what it prints and how it exits."""

import json
from pathlib import Path

import pytest

from shared.cli.app import main
from shared.promises.schema import export_schema
from tests.unit.test_promise_files import MINIMAL
from tests.unit.test_promise_places import COVERAGE


def test_validate_prints_a_summary_per_valid_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(MINIMAL, encoding="utf-8")

    assert main(["promise", "validate", str(good)]) == 0

    out, err = capsys.readouterr()
    assert out == f"{good}: ok, test-promise: 2 commitments, 0 outcome indicators\n"
    assert err == ""


def test_validate_lists_every_problem_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(MINIMAL, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        MINIMAL.replace("at_least: 2", "at_least: -2").replace("[kommunen]", "[kommun]"),
        encoding="utf-8",
    )
    missing = tmp_path / "missing.yaml"

    assert main(["promise", "validate", str(good), str(bad), str(missing)]) == 1

    out, err = capsys.readouterr()
    assert out == f"{good}: ok, test-promise: 2 commitments, 0 outcome indicators\n"
    assert err.splitlines() == [
        f"{bad}:16:37 commitments[0].target.at_least: Input should be greater than 0",
        f"{missing}: cannot read: No such file or directory",
        "2 of 3 files invalid",
    ]


def test_validate_reports_cross_references_with_their_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("[kommunen]", "[kommun]"), encoding="utf-8")

    assert main(["promise", "validate", str(bad)]) == 1

    assert capsys.readouterr().err.splitlines()[0] == (
        f"{bad}:21:19 commitments[1].responsible[0]: unknown organisation 'kommun'; "
        "the parties are polisen, kommunen"
    )


def test_the_shipped_lund_file_validates(capsys: pytest.CaptureFixture[str]) -> None:
    lund = Path(__file__).parents[2] / "shared" / "promises" / "lund-2017.yaml"

    assert main(["promise", "validate", str(lund)]) == 0
    assert capsys.readouterr().out.endswith(
        "lund-2017.yaml: ok, lund-2017: 17 commitments, 5 outcome indicators\n"
    )


def test_show_summarises_the_default_promise(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["promise", "show"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "lund-2017: Medborgarlöfte Lund – Lund ska vara en trygg plats för unga"
    assert "valid from 2017-03-01 until further notice" in lines[1]
    rows = {line.split()[0]: line for line in lines[4:] if line}
    assert rows["sno-mote"].endswith("every monday; on holidays: next-working-day")
    assert rows["trygghetsvandringar-ungdomar"].endswith(
        "at least 2 a year, counting only participants.youths ≥ 1"
    )
    assert "each of 4 places (example data)" in rows["motesplatser-besok"]
    assert rows["narkotikabrott-upptackt"].endswith(
        "baseline 2016-04-01 – 2016-12-31: 161 (2 unclassified)"
    )


def test_show_an_unknown_promise(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["promise", "show", "malmo-2017"]) == 1

    assert capsys.readouterr().err == (
        "no promise 'malmo-2017' ships with Löfte; known: lund-2017\n"
    )


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["promise", "schema"]) == 0

    assert json.loads(capsys.readouterr().out) == export_schema()


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["promise", "--help"],
        *(["promise", c, "--help"] for c in ("validate", "show", "schema")),
    ],
)
def test_every_command_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)

    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: lofte {' '.join(argv[:-1])}".rstrip())


def test_a_missing_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["promise"])

    assert exit_.value.code == 2
    assert "the following arguments are required: COMMAND" in capsys.readouterr().err


def test_validate_refuses_an_alias_that_would_mean_two_places(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ambiguous = tmp_path / "ambiguous.yaml"
    ambiguous.write_text(
        COVERAGE + "places:\n  - {name: Arken, aliases: [Gården]}\n"
        "  - {name: Linero, aliases: [GÅRDEN]}\n",
        encoding="utf-8",
    )

    assert main(["promise", "validate", str(ambiguous)]) == 1

    assert capsys.readouterr().err.splitlines() == [
        f"{ambiguous}:37:30 places[1].aliases[0]: 'GÅRDEN' would also mean 'Arken'",
        "1 of 1 files invalid",
    ]
