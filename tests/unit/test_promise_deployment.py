"""The promises a deployment serves: the shipped ones and what PROMISE_FILES and PROMISES_DIR
add, every problem of every file reported at once."""

from pathlib import Path

import pytest

from services.metrics.settings import MetricsSettings
from shared.promises import PromiseFileError, deployed_promises
from tests.unit.test_promise_files import MINIMAL


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_folder_adds_its_promises_to_the_shipped_ones_in_name_order(tmp_path: Path) -> None:
    write(tmp_path, "b.yaml", MINIMAL.replace("id: test-promise", "id: second"))
    write(tmp_path, "a.yaml", MINIMAL.replace("id: test-promise", "id: first"))
    write(tmp_path, "notes.txt", "not a promise")

    promises = deployed_promises(directory=tmp_path)

    assert [p.id for p in promises] == ["lund-2017", "first", "second"]


def test_files_come_before_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "promises"
    folder.mkdir()
    write(folder, "a.yaml", MINIMAL.replace("id: test-promise", "id: from-folder"))
    named = write(tmp_path, "named.yaml", MINIMAL.replace("id: test-promise", "id: named"))

    promises = deployed_promises([named], folder)

    assert [p.id for p in promises] == ["lund-2017", "named", "from-folder"]


def test_every_problem_of_every_file_at_once_with_where_it_is(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", MINIMAL.replace("at_least: 2", "at_least: -2"))
    write(tmp_path, "b.yaml", MINIMAL.replace("id: test-promise", "id: lund-2017"))
    write(tmp_path, "c.yaml", MINIMAL)
    write(tmp_path, "d.yaml", MINIMAL)

    with pytest.raises(PromiseFileError) as error:
        deployed_promises(directory=tmp_path)

    assert [str(problem) for problem in error.value.problems] == [
        f"{tmp_path}/a.yaml:16:37 commitments[0].target.at_least: Input should be greater than 0",
        f"{tmp_path}/b.yaml:1:5 id: promise 'lund-2017' is loaded already, "
        "from the promises that ship with Löfte",
        f"{tmp_path}/d.yaml:1:5 id: promise 'test-promise' is loaded already, "
        f"from {tmp_path}/c.yaml",
    ]


def test_a_folder_that_is_not_there(tmp_path: Path) -> None:
    with pytest.raises(PromiseFileError, match="PROMISES_DIR is not a folder"):
        deployed_promises(directory=tmp_path / "missing")


def test_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(PromiseFileError, match=r"missing\.yaml:1:1 cannot be read: No such file"):
        deployed_promises([tmp_path / "missing.yaml"])


def test_every_service_reads_the_folder_from_promises_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PROMISES_DIR", str(tmp_path))

    assert MetricsSettings().promises_dir == tmp_path
