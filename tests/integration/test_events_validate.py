"""`lofte events validate` says of each event of a file exactly what the API would answer,
line by line, and sends nothing; the same events posted to the running service get the same
reasons."""

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from services.activities import SCHEMA
from services.cli import main
from tests.activities_service import activities_client
from tests.factories import activity_completed, incident_recorded
from tests.keys import bearer, create_key

SINGLE = {"content-type": "application/cloudevents+json"}


def file_of_events() -> list[dict[str, Any]]:
    visit = activity_completed("motesplatser-besok", organisations=("polisen",), place="UH")
    elsewhere = activity_completed(
        "motesplatser-besok", organisations=("polisen",), place="Stortorget"
    )
    personal = activity_completed("volontarinsatser", organisations=("polisen",))
    personal["data"]["notes"] = "ring 19121212-1212"
    unknown = activity_completed("sno-moten")
    others = activity_completed("informationskvall", organisations=("kommunen",))
    wrong_type = incident_recorded(count=0)
    wrong_type["time"] = "igår"
    wrong_type["specversion"] = "0.3"
    return [visit, elsewhere, personal, unknown, others, wrong_type]


@pytest.fixture
async def client(
    kafka_bootstrap: str, database_url: str, namespace: str
) -> AsyncIterator[httpx.AsyncClient]:
    async with activities_client(kafka_bootstrap, database_url, namespace) as client:
        yield client


async def registered(database_url: str) -> int:
    connection = await asyncpg.connect(database_url, server_settings={"search_path": SCHEMA})
    try:
        count: int = await connection.fetchval("SELECT count(*) FROM register")
        return count
    finally:
        await connection.close()


def api_reasons(response: httpx.Response) -> list[str]:
    problem = response.json()
    if response.status_code == 403:
        return [f"forbidden (403) for polisen: {problem['detail']}"]
    return sorted(f"{e['location']}: {e['message']}" for e in problem["errors"])


async def test_the_file_is_judged_line_by_line_as_the_api_judges_each_event(
    client: httpx.AsyncClient,
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    events = file_of_events()
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), "utf-8")

    status = main(["events", "validate", str(path), "--org", "polisen"])

    out, err = capsys.readouterr()
    assert status == 1
    assert out == f"{path}: 6 events; 6 problems on 5 lines; nothing sent\n"
    assert await registered(database_url) == 0
    said: dict[int, list[str]] = {}
    for line in err.splitlines():
        file, at, reason = line.split(":", 2)
        assert file == str(path)
        said.setdefault(int(at), []).append(reason.strip())
    assert "1912" not in err
    key = await create_key(database_url, "polisen")
    for number, event in enumerate(events, start=1):
        response = await client.post(
            "/v1/events", content=json.dumps(event), headers={**SINGLE, **bearer(key)}
        )
        if response.status_code == 202:
            assert number not in said, said[number]
        else:
            assert sorted(said[number]) == api_reasons(response), number
    assert set(said) == {2, 3, 4, 5, 6}
    assert await registered(database_url) == 1


def test_a_valid_csv_file_passes_and_an_unreadable_one_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "besok.csv"
    good.write_text(
        "type,id,source,time,commitment,organisations,place\n"
        "activity.completed,v1,urn:x,2017-05-16T19:00+02:00,motesplatser-besok,polisen,uh\n",
        encoding="utf-8",
    )
    missing = tmp_path / "missing.json"

    assert main(["events", "validate", str(good)]) == 0
    assert capsys.readouterr().out == f"{good}: 1 events, all valid; nothing sent\n"
    assert main(["events", "validate", str(missing)]) == 2
    assert "cannot read: No such file or directory" in capsys.readouterr().err
