"""Files of events are read with the line each event starts on, whatever their format."""

from pathlib import Path

import pytest

from services.activities.event_files import Entry, format_of, read_events

ARRAY = """[
  {"id": "a"},

  {"id": "b",
   "x": 1}, {"id": "c"}
]
"""


def read(tmp_path: Path, name: str, text: str) -> list[Entry]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return list(read_events(path))


def test_each_element_of_an_array_comes_with_the_line_it_starts_on(tmp_path: Path) -> None:
    entries = read(tmp_path, "events.json", ARRAY)

    assert [(e.line, e.document["id"]) for e in entries] == [(2, "a"), (4, "b"), (5, "c")]


def test_one_event_alone_is_read_and_text_after_it_is_a_problem(tmp_path: Path) -> None:
    [alone] = read(tmp_path, "one.json", '\n{"id": "a"}\n')
    first, extra = read(tmp_path, "two.json", '{"id": "a"}\n{"id": "b"}\n')

    assert (alone.line, alone.document) == (2, {"id": "a"})
    assert first.document == {"id": "a"}
    assert (extra.line, extra.unreadable) == (
        1,
        "text after the event; send an array of events",
    )


def test_json_lines_skip_blank_lines_and_a_broken_line_does_not_hide_the_rest(
    tmp_path: Path,
) -> None:
    entries = read(tmp_path, "events.jsonl", '{"id": "a"}\n\n{"id": \n{"id": "c"}\n')

    assert [(e.line, e.document, e.unreadable) for e in entries] == [
        (1, {"id": "a"}, None),
        (3, None, "column 8: not valid JSON: Expecting value"),
        (4, {"id": "c"}, None),
    ]


def test_broken_json_in_an_array_is_told_at_its_line(tmp_path: Path) -> None:
    entries = read(tmp_path, "events.json", '[\n {"id": "a"},\n {"id": }\n]\n')

    assert [(e.line, e.unreadable) for e in entries] == [
        (2, None),
        (3, "column 9: not valid JSON: Expecting value"),
    ]


def test_csv_rows_are_read_as_lofte_import_reads_them(tmp_path: Path) -> None:
    [row] = read(
        tmp_path,
        "events.csv",
        "type,id,source,time,commitment,organisations,place\n"
        "activity.completed,v1,urn:x,2017-05-16T19:00+02:00,motesplatser-besok,polisen;kommunen,UH\n",
    )

    assert row.line == 2
    assert row.document["data"] == {
        "commitment": "motesplatser-besok",
        "organisations": ["polisen", "kommunen"],
        "place": "UH",
    }


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.json", "{}", "json"),
        ("a.JSONL", "{}", "jsonl"),
        ("a.ndjson", "{}", "jsonl"),
        ("a.csv", "x", "csv"),
        ("events", " [{}]", "json"),
        ("events", "{}\n{}\n", "jsonl"),
    ],
)
def test_the_format_is_told_by_the_suffix_or_else_the_content(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")

    assert format_of(path) == expected
