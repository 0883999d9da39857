"""The AsyncAPI 3 document of every Löfte topic: who sends what, in which headers, keyed how.

faststream's generator lays out the document (servers, channels with their Kafka bindings,
operations) from a broker that declares the topics as the services use them; it knows
neither CloudEvents' binary mode nor record keys, so each channel's messages are then
completed here, one message per event type: the `ce_*` headers (from the envelope model),
the data schema as the payload, and the record key as the Kafka binding.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any, Final

from faststream.kafka import KafkaBroker
from faststream.specification.asyncapi import AsyncAPI

from shared.contracts import topics
from shared.contracts.cloudevents import HEADER_PREFIX, JSON_CONTENT_TYPE, CloudEvent
from shared.contracts.kpi_events import KPI_EVENT_TYPES
from shared.contracts.schemas import ALL_TYPES, PARTNER_TYPES, component_name, component_schemas

TITLE: Final = "Löfte events"
VERSION: Final = "1"
REF: Final = "#/components/schemas/{model}"
KAFKA_BINDING: Final = "0.5.0"
DEFAULT_SERVER: Final = "127.0.0.1:9092"

_KEYS: Mapping[str, str] = {
    topics.INGEST.name: "Any key; the commitment (or the subject) keeps one commitment's "
    "events in order. The activities service re-keys what it accepts.",
    topics.ACTIVITIES.name: "The commitment the event is about; otherwise its `subject`, "
    "otherwise its `type`. A retraction travels under its event's key.",
    topics.METRICS.name: "The commitment or the outcome indicator the change is about.",
}
_TYPES: Mapping[str, Iterable[str]] = {
    topics.INGEST.name: PARTNER_TYPES,
    topics.ACTIVITIES.name: PARTNER_TYPES,
    topics.METRICS.name: KPI_EVENT_TYPES,
}
# (topic, consumer) and (topic, producer), as the services are wired.
RECEIVES: Final = (
    (topics.INGEST, "activities"),
    (topics.ACTIVITIES, "metrics"),
    (topics.METRICS, "notifications"),
)
SENDS: Final = (
    (topics.ACTIVITIES, "activities"),
    (topics.METRICS, "metrics"),
    *((topics.dead_letter(topic), service) for topic, service in RECEIVES),
)
DLQ_HEADERS: Final = {
    "dlq_reason": "why the record could not be processed, with the field to blame",
    "dlq_service": "the service that parked it",
    "dlq_source_topic": "the topic it was read from",
    "dlq_source_partition": "its partition there",
    "dlq_source_offset": "its offset there",
    "dlq_parked_at": "when it was parked (ISO 8601)",
}


# Not required: records published before the register was numbered carry none.
REGISTER_SEQ: Final = {
    "type": "string",
    "pattern": "^[1-9][0-9]*$",
    "description": "The event's place in the register's order. Per key it is greater than "
    "that of every record before, unless the record repeats one already published.",
}


def _operation_id(service: str, action: str, topic: str) -> str:
    return f"{service}.{action}.{topic}"


def _skeleton(server: str) -> dict[str, Any]:
    """faststream's document: a channel and an operation per subscriber and publisher."""
    broker = KafkaBroker(server)
    for topic, service in RECEIVES:

        @broker.subscriber(
            topic.name,
            title=_operation_id(service, "receive", topic.name),
            description=topic.purpose,
        )
        async def received(body: dict[str, Any]) -> None:
            """Declared for the document only: nothing is ever run."""

    for topic, service in SENDS:
        broker.publisher(
            topic.name, title=_operation_id(service, "send", topic.name), description=topic.purpose
        )
    spec = AsyncAPI(broker, title=TITLE, version=VERSION, schema_version="3.0.0")
    document: dict[str, Any] = json.loads(spec.to_specification().to_json())
    return document


def _by_topic(document: dict[str, Any]) -> None:
    """One channel per topic, named by it, which the operations of every service refer to:
    faststream makes one for each subscriber and publisher."""
    channels: dict[str, Any] = {}
    for name, channel in document["channels"].items():
        address = channel["address"]
        channels.setdefault(address, channel)
        operation = document["operations"][name]
        operation["channel"] = {"$ref": f"#/channels/{address}"}
    document["channels"] = dict(sorted(channels.items()))
    document["operations"] = dict(sorted(document["operations"].items()))


def _headers(event_type: str) -> dict[str, Any]:
    """The binary-mode headers of one type: every envelope attribute as `ce_<name>` text."""
    envelope = CloudEvent.model_json_schema()
    properties: dict[str, Any] = {}
    for name, schema in envelope["properties"].items():
        if name in ("data", "datacontenttype"):
            continue
        header = {"type": "string", "description": schema.get("description", name)}
        if name == "type":
            header["const"] = event_type
        elif name == "specversion":
            header["const"] = "1.0"
        elif name == "time":
            header["format"] = "date-time"
        elif name == "schemaversion":
            header.update(pattern="^[1-9][0-9]*$", default="1")
        properties[f"{HEADER_PREFIX}{name}"] = header
    properties["content-type"] = {"type": "string", "const": JSON_CONTENT_TYPE}
    required = [f"{HEADER_PREFIX}{name}" for name in envelope["required"] if name != "data"]
    return {"type": "object", "properties": properties, "required": required}


def _event_message(event_type: str, topic: str) -> dict[str, Any]:
    model = ALL_TYPES[event_type]
    summary = (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
    headers = _headers(event_type)
    if topic == topics.ACTIVITIES.name:
        headers["properties"][topics.REGISTER_SEQ_HEADER] = REGISTER_SEQ
    return {
        "name": event_type,
        "title": event_type,
        "summary": summary or event_type,
        "contentType": JSON_CONTENT_TYPE,
        "headers": headers,
        "payload": {"$ref": REF.format(model=component_name(event_type))},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": _KEYS[topic]},
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def _dead_letter_message(topic: str) -> dict[str, Any]:
    source = topic.removesuffix(".dlq")
    properties = {
        name: {"type": "string", "description": text} for name, text in DLQ_HEADERS.items()
    }
    return {
        "name": "dead-letter",
        "title": f"A record of {source} that could not be processed",
        "summary": "The original key, value and headers, unchanged, with the dlq_* headers.",
        "headers": {
            "type": "object",
            "properties": properties,
            "required": list(DLQ_HEADERS),
            "additionalProperties": {"type": "string"},
        },
        "payload": {"description": f"The value as it was read from {source}, unchanged."},
        "bindings": {
            "kafka": {
                "key": {"description": f"The key as it was read from {source}."},
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def _message_key(channel: str, name: str) -> str:
    # Component names allow letters, digits, dots, hyphens and underscores only.
    return f"{channel}_{name}"


def asyncapi_document(server: str = DEFAULT_SERVER) -> dict[str, Any]:
    """The whole document: the skeleton faststream generates, completed with the messages."""
    document = _skeleton(server)
    _by_topic(document)
    messages: dict[str, Any] = {}
    for address, channel in document["channels"].items():
        if address in _TYPES:
            own = {t: _event_message(t, address) for t in _TYPES[address]}
        else:
            own = {"dead-letter": _dead_letter_message(address)}
        channel["messages"] = {
            name: {"$ref": f"#/components/messages/{_message_key(address, name)}"} for name in own
        }
        messages.update({_message_key(address, n): m for n, m in own.items()})
    for operation_id, operation in document["operations"].items():
        address = operation["channel"]["$ref"].rsplit("/", 1)[-1]
        operation["messages"] = [
            {"$ref": f"#/channels/{address}/messages/{name}"}
            for name in document["channels"][address]["messages"]
        ]
        service = operation_id.split(".", 1)[0]
        verb = "consumes" if operation["action"] == "receive" else "produces"
        operation["summary"] = f"The {service} service {verb} {address}."
    document["components"] = {"messages": messages, "schemas": component_schemas(REF)}
    return document
