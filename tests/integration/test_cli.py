"""The operator commands, run as a user runs them, against the real database."""

import asyncio
from pathlib import Path

import asyncpg
import pytest

from services.activities import SCHEMA
from services.cli import main
from shared.access import Principal, Role, key_store, keys


@pytest.fixture
def operator_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def principal_of(database_url: str, key: str) -> Principal | None:
    async def look_up() -> Principal | None:
        connection = await asyncpg.connect(database_url)
        try:
            return await key_store.principal_of(connection, key)
        finally:
            await connection.close()

    return asyncio.run(look_up())


def organisation_of(database_url: str, key: str) -> str | None:
    principal = principal_of(database_url, key)
    return None if principal is None else principal.organisation


def test_keys_are_created_listed_without_secret_and_revoked(
    operator_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "create", "--org", "kommunen", "--label", "fältgruppens system"]) == 0
    key = capsys.readouterr().out.strip()
    presented = keys.parse(key)
    assert presented is not None
    key_id = presented.key_id
    assert organisation_of(operator_env, key) == "kommunen"

    assert main(["keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert key_id in listing
    assert "fältgruppens system" in listing
    assert presented.secret not in listing

    assert main(["keys", "revoke", key_id]) == 0
    assert organisation_of(operator_env, key) is None
    assert main(["keys", "revoke", key_id]) == 1


def test_a_key_has_a_role_partner_unless_said_and_only_an_admin_may_have_no_organisation(
    operator_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "create", "--org", "polisen"]) == 0
    partner = principal_of(operator_env, capsys.readouterr().out.strip())
    assert main(["keys", "create", "--org", "polisen", "--role", "staff"]) == 0
    staff = principal_of(operator_env, capsys.readouterr().out.strip())
    assert main(["keys", "create", "--role", "admin", "--label", "drift"]) == 0
    admin = principal_of(operator_env, capsys.readouterr().out.strip())
    assert main(["keys", "create", "--role", "staff"]) == 2
    refused = capsys.readouterr()

    assert partner is not None
    assert (partner.role, partner.organisation) == (Role.PARTNER, "polisen")
    assert staff is not None
    assert (staff.role, staff.organisation) == (Role.STAFF, "polisen")
    assert admin is not None
    assert (admin.role, admin.organisation) == (Role.ADMIN, None)
    assert admin.name.endswith("(drift)")
    assert refused.out == ""
    assert "needs --org" in refused.err
    assert main(["keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert {"partner", "staff", "admin"} <= set(listing.split())


def test_a_key_for_an_unknown_organisation_is_refused(
    operator_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "create", "--org", "skatteverket"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unknown organisation 'skatteverket'" in captured.err


POLICE = "urn:lofte:partner:polisen"
WALKS = "trygghetsvandringar-ungdomar"
ROWS = [
    "type,id,source,time,commitment,organisations,place,youths,notes",
    f"activity.completed,walk-1,{POLICE},2017-04-12T18:30+02:00,{WALKS},polisen;kommunen,Torget,9,",
    f"activity.completed,walk-2,{POLICE},2017-09-20T18:30+02:00,{WALKS},polisen,Clemenstorget,4,",
    f"activity.completed,walk-1,{POLICE},2017-04-12T18:30+02:00,{WALKS},polisen;kommunen,Torget,9,",
    f"activity.completed,walk-3,{POLICE},2017-10-02T18:30+02:00,trygghetsvandringen,polisen,A,3,",
    f"activity.completed,walk-4,{POLICE},2017-10-09T18:30+02:00,{WALKS},polisen,Stortorget,x,",
    f"activity.completed,walk-5,{POLICE},2017-10-16T18:30+02:00,{WALKS},polisen,B,2,121212-1212",
]
CSV = "\n".join(ROWS) + "\n"


def test_import_stores_the_good_rows_and_says_why_each_other_row_was_rejected(
    operator_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "vandringar.csv"
    source.write_text(CSV, encoding="utf-8")

    status = main(["import", str(source), "--org", "polisen"])

    report = capsys.readouterr().err
    assert status == 1
    assert "[##############################] 6/6" in report
    assert "2 imported, 1 already there, 3 rejected" in report
    assert "line 5: data.commitment: unknown commitment" in report
    assert "line 6: data.participants.youths" in report
    assert "line 7: data.notes: carries a personal identity number" in report
    assert "1212-1212" not in report
    stored = asyncio.run(_registered_ids(operator_env))
    assert stored == ["walk-1", "walk-2"]


async def _registered_ids(database_url: str) -> list[str]:
    connection = await asyncpg.connect(database_url, server_settings={"search_path": SCHEMA})
    try:
        return [row["id"] for row in await connection.fetch("SELECT id FROM register ORDER BY id")]
    finally:
        await connection.close()


VISITS_CSV = (
    "type,id,source,time,commitment,organisations,place\n"
    f"activity.completed,visit-1,{POLICE},2017-05-16T19:00+02:00,motesplatser-besok,polisen,"
    "Ungdomens Hus \n"
    f"activity.completed,visit-2,{POLICE},2017-05-17T19:00+02:00,motesplatser-besok,polisen,"
    "Stortorget\n"
)


def test_import_registers_a_place_as_the_promise_spells_it_and_rejects_one_that_counts_nothing(
    operator_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "besok.csv"
    source.write_text(VISITS_CSV, encoding="utf-8")

    status = main(["import", str(source), "--org", "polisen"])

    report = capsys.readouterr().err
    assert status == 1
    assert "1 imported, 0 already there, 1 rejected" in report
    assert (
        "line 3: data.place: 'Stortorget' is none of the places motesplatser-besok counts: "
        "Fritidsgården Arken; Ungdomens hus" in report
    )
    assert asyncio.run(_registered_places(operator_env)) == {"visit-1": "Ungdomens hus"}


async def _registered_places(database_url: str) -> dict[str, str]:
    connection = await asyncpg.connect(database_url, server_settings={"search_path": SCHEMA})
    try:
        rows = await connection.fetch("SELECT id, event->'data'->>'place' AS place FROM register")
        return {row["id"]: row["place"] for row in rows}
    finally:
        await connection.close()
