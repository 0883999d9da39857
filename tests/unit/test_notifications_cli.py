"""`lofte notifications ...` as an operator runs it, on routing files alone."""

import json
from pathlib import Path

import pytest

from services.cli import main


def test_check_passes_the_shipped_file_and_says_it_is_an_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["notifications", "check"]) == 0

    out, err = capsys.readouterr()
    assert out.endswith("routing.yaml: ok, 7 contact points, 3 routes\n")
    assert "example addresses" in err


def test_check_lists_every_problem_with_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "routing.yaml"
    broken.write_text(
        "contact_points: {polisen: {email: [polisen@lund.se]}}\n"
        "route:\n  receiver: polis\n  group_by: [organization]\n",
        encoding="utf-8",
    )

    assert main(["notifications", "check", str(broken)]) == 1

    err = capsys.readouterr().err
    assert "routing.yaml:4:" in err
    assert "unknown label 'organization'" in err


def test_dry_run_says_where_a_night_time_warning_would_wait(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(
        [
            "notifications",
            "dry-run",
            "organisation=kommunen",
            "severity=warning",
            "--at",
            "2017-05-16T23:00:00+02:00",
        ]
    )

    assert status == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["receivers"] == ["kommunen"]
    assert answer["matches"][0]["muted_until"] == "2017-05-17T07:00:00+02:00"


def test_dry_run_refuses_an_unknown_label(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["notifications", "dry-run", "organization=polisen"]) == 2
    assert "organization" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        ("2017-05-16T23:00:00", "timezone"),
        ("0001-01-01T00:00:00+14:00", "ends of the calendar"),
        ("9999-12-31T23:00:00-14:00", "ends of the calendar"),
        ("tomorrow", "datetime"),
    ],
)
def test_dry_run_says_what_is_wrong_with_its_time(
    at: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["notifications", "dry-run", "organisation=polisen", "--at", at])

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --at: {at!r}" in err
    assert reason in err
    assert "Traceback" not in err
