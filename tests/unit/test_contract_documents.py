"""The committed contract documents (`docs/contracts/`) are what the code gives, and say
what the services actually accept: a partner can trust them without asking."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from shared.contract_documents.asyncapi import asyncapi_document
from shared.contract_documents.asyncapi_page import render_page
from shared.contract_documents.documents import contract_files
from shared.contracts import topics
from shared.contracts.schemas import ALL_TYPES, PARTNER_TYPES
from tests.factories import activity_completed, incident_recorded

CONTRACTS = Path(__file__).parents[2] / "docs" / "contracts"
REGENERATE = "the committed contracts drifted from the code; regenerate: make contracts"


def committed(relative: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((CONTRACTS / relative).read_text(encoding="utf-8"))
    return document


def test_the_committed_documents_are_exactly_what_the_code_generates() -> None:
    on_disk = {
        path.relative_to(CONTRACTS).as_posix(): path.read_text(encoding="utf-8")
        for path in CONTRACTS.rglob("*.json")
    }

    assert set(on_disk) == set(contract_files()), REGENERATE
    for relative, text in contract_files().items():
        assert on_disk[relative] == text, f"{relative}: {REGENERATE}"


def test_every_event_type_and_the_envelope_have_a_schema() -> None:
    names = {path.stem for path in (CONTRACTS / "schemas").glob("*.json")}

    assert names == {"cloudevent", *ALL_TYPES}


def test_a_valid_event_passes_the_committed_schemas_and_a_wrong_one_is_told_where() -> None:
    envelope = Draft202012Validator(committed("schemas/cloudevent.json"))
    visit = activity_completed("motesplatser-besok", organisations=("polisen",), place="UH")
    data = Draft202012Validator(committed("schemas/activity.completed.json"))

    assert not list(envelope.iter_errors(visit))
    assert not list(data.iter_errors(visit["data"]))
    wrong = {**visit["data"], "participants": {"youths": -1}, "colour": "blå"}
    problems = {(tuple(e.absolute_path), e.validator) for e in data.iter_errors(wrong)}
    assert problems == {(("participants",), "anyOf"), ((), "additionalProperties")}
    assert not list(
        Draft202012Validator(committed("schemas/incident.recorded.json")).iter_errors(
            incident_recorded()["data"]
        )
    )


def test_the_asyncapi_document_has_every_topic_and_each_type_with_its_headers_and_key() -> None:
    document = committed("asyncapi.json")

    assert document["asyncapi"] == "3.0.0"
    assert set(document["channels"]) == {topic.name for topic in topics.ALL}
    ingest = document["channels"][topics.INGEST.name]
    assert set(ingest["messages"]) == set(PARTNER_TYPES)
    message = document["components"]["messages"]["lofte.ingest.v1_activity.completed"]
    headers = message["headers"]
    assert headers["properties"]["ce_type"]["const"] == "activity.completed"
    assert set(headers["required"]) == {
        "ce_specversion",
        "ce_id",
        "ce_source",
        "ce_type",
        "ce_time",
    }
    assert message["payload"] == {"$ref": "#/components/schemas/ActivityCompleted"}
    assert "commitment" in message["bindings"]["kafka"]["key"]["description"]
    assert {(op["action"], op["channel"]["$ref"]) for op in document["operations"].values()} >= {
        ("receive", "#/channels/lofte.ingest.v1"),
        ("send", "#/channels/lofte.activities.v1"),
        ("receive", "#/channels/lofte.activities.v1"),
        ("send", "#/channels/lofte.ingest.v1.dlq"),
    }
    parked = document["components"]["messages"]["lofte.ingest.v1.dlq_dead-letter"]
    assert "dlq_reason" in parked["headers"]["required"]
    published = document["components"]["messages"]["lofte.activities.v1_activity.completed"]
    assert topics.REGISTER_SEQ_HEADER in published["headers"]["properties"]
    assert topics.REGISTER_SEQ_HEADER not in headers["properties"]  # partners do not send it


def every_reference(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in every_reference(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in every_reference(value)]
    return []


def test_every_reference_in_the_asyncapi_document_resolves() -> None:
    document = asyncapi_document()

    for reference in every_reference(document):
        node: Any = document
        for part in reference.removeprefix("#/").split("/"):
            assert part in node, reference
            node = node[part]


@pytest.mark.parametrize("attribute", ["src", "href"])
def test_the_page_loads_nothing_from_elsewhere(attribute: str) -> None:
    page = render_page(asyncapi_document())

    links = re.findall(rf'{attribute}="([^"]*)"', page)
    assert all(not re.match(r"(https?:)?//", link) for link in links), links
    assert "<script" not in page
