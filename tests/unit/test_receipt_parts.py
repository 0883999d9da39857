"""The pure parts of receipts: an event's address in a path, which refusals a refused request
keeps, and who may read a receipt."""

from typing import Any

import pytest
from aiokafka import ConsumerRecord
from starlette.requests import Request

from services.activities import refusals
from services.activities.domain import Catalogue
from services.activities.receipts import Found, may_read
from shared.access import Principal, Role
from shared.contracts.errors import Problem
from shared.http.event_address import event_address
from shared.http.problems import ProblemError
from shared.promises import default_promises


def request_for(raw_path: bytes) -> Request:
    return Request({"type": "http", "method": "GET", "path": "", "raw_path": raw_path})


def test_source_and_id_are_read_from_the_path_as_sent_each_percent_decoded() -> None:
    path = b"/v1/events/https%3A%2F%2Fpolisen.example%2Frapporter/walk%2F12%20b"

    assert event_address(request_for(path), "/v1/events") == (
        "https://polisen.example/rapporter",
        "walk/12 b",
    )


@pytest.mark.parametrize(
    "path",
    [
        b"/v1/events/urn:lofte:partner:polisen",
        b"/v1/events/https://polisen.example/rapporter/walk-12",
        b"/v1/events//walk-12",
        b"/v1/events/urn%00x/walk-12",
        b"/v1/events/%ff%fe/walk-12",
    ],
)
def test_an_address_that_is_not_one_source_and_one_id_is_a_404_saying_how(path: bytes) -> None:
    with pytest.raises(ProblemError) as refused:
        event_address(request_for(path), "/v1/events")

    assert refused.value.status == 404


def event(source: str = "urn:a", event_id: str = "e1", **data: Any) -> dict[str, Any]:
    return {"source": source, "id": event_id, "data": data}


def test_each_event_of_a_refused_batch_is_kept_with_its_own_problems_or_those_of_the_batch() -> (
    None
):
    documents = [event(event_id="good"), event(event_id="bad"), "not an event", {"id": 3}]
    problems = [Problem("[1].data.commitment", "unknown commitment")]

    kept = refusals.http_refusals(
        documents, True, 422, "the event breaks the contract", problems, "polisen"
    )

    assert [(r.id, r.status, r.reason) for r in kept] == [
        ("good", 422, "refused with its batch: [1].data.commitment: unknown commitment"),
        ("bad", 422, "[1].data.commitment: unknown commitment"),
    ]
    assert {r.reported_by for r in kept} == {"polisen"}


def test_a_refused_single_event_keeps_the_detail_when_there_are_no_field_problems() -> None:
    [kept] = refusals.http_refusals(
        [event(organisations=["polisen", 7])], False, 403, "not yours", [], "kommunen"
    )

    assert (kept.reason, kept.organisations) == ("not yours", ("polisen",))


def record(headers: list[tuple[str, bytes]], value: bytes = b"{}") -> Any:
    return ConsumerRecord(
        "lofte.ingest.v1", 2, 41, 0, 0, b"k", value, None, len(value), -1, headers
    )


def test_a_dead_lettered_record_is_kept_by_its_ce_headers_with_where_it_was_parked() -> None:
    parked = record([("ce_source", b"urn:a"), ("ce_id", b"e1")], b'{"organisations": ["polisen"]}')

    kept = refusals.kafka_refusal(parked, "data.commitment: unknown commitment")

    assert kept is not None
    assert (kept.source, kept.id, kept.channel, kept.status) == ("urn:a", "e1", "kafka", None)
    assert kept.organisations == ("polisen",)
    assert kept.dead_letter == {
        "topic": "lofte.ingest.v1.dlq",
        "source_topic": "lofte.ingest.v1",
        "partition": 2,
        "offset": 41,
    }


def test_a_record_without_a_readable_source_and_id_is_not_kept() -> None:
    assert refusals.kafka_refusal(record([("ce_id", b"e1")]), "no source") is None
    assert refusals.kafka_refusal(record([("ce_source", b"\xff"), ("ce_id", b"e1")]), "x") is None


def who(role: Role, organisation: str | None) -> Principal:
    return Principal("tests", role, organisation, "key")


def registered(reporter: str, named: list[str], promise: str | None) -> Found:
    row = {"reported_by": reporter, "organisations": named, "promise": promise}
    return Found("urn:a", "e1", row, None, None)


CATALOGUE = Catalogue(default_promises())


@pytest.mark.parametrize(
    ("principal", "found", "allowed"),
    [
        (who(Role.PARTNER, "polisen"), registered("polisen", ["polisen"], "lund-2017"), True),
        (who(Role.PARTNER, "kommunen"), registered("polisen", ["kommunen"], "lund-2017"), False),
        (who(Role.PARTNER, "kommunen"), registered("", ["kommunen"], "lund-2017"), True),
        (who(Role.STAFF, "kommunen"), registered("polisen", ["polisen"], "lund-2017"), True),
        (who(Role.STAFF, "malmo"), registered("polisen", ["polisen"], "lund-2017"), False),
        (who(Role.STAFF, "malmo"), registered("polisen", [], None), True),
        (who(Role.ADMIN, None), registered("polisen", ["polisen"], "lund-2017"), True),
    ],
)
def test_a_receipt_is_read_by_its_reporter_the_staff_of_its_promise_and_admins(
    principal: Principal, found: Found, allowed: bool
) -> None:
    assert may_read(principal, found, CATALOGUE) is allowed


def test_a_refusal_is_read_by_its_sender_and_admins_only() -> None:
    refusal = {"reported_by": "polisen", "organisations": ["polisen"]}
    found = Found("urn:a", "e1", None, None, refusal)

    assert may_read(who(Role.PARTNER, "polisen"), found, CATALOGUE)
    assert not may_read(who(Role.STAFF, "kommunen"), found, CATALOGUE)
