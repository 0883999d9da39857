"""JSON Schema of every event type's data and of the CloudEvents envelope, from the models.

These are what a partner validates against in its own CI or generates a client from. They
are derived from the pydantic models the services validate with, never written by hand, so
the two cannot disagree (a test compares the committed copies with what the models give).

Two shapes of the same schemas: standalone documents, one a type (`data_schema`,
`envelope_schema`), and a family sharing one set of definitions under a `$ref` prefix of the
caller's choosing (`component_schemas`), for the OpenAPI and AsyncAPI documents.
"""

from collections.abc import Mapping
from typing import Any, Final

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from shared.contracts.cloudevents import JSON_CONTENT_TYPE, CloudEvent
from shared.contracts.events import EVENT_TYPES, EventData
from shared.contracts.kpi_events import KPI_EVENT_TYPES

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
ENVELOPE: Final = "cloudevent"
OPENAPI_REF: Final = "#/components/schemas/{model}"
PARTNER_TYPES: Mapping[str, type[EventData]] = EVENT_TYPES
ALL_TYPES: Mapping[str, type[EventData]] = {**EVENT_TYPES, **KPI_EVENT_TYPES}


def _document(model: type[BaseModel], title: str, description: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    return {"$schema": DIALECT, **schema, "title": title, "description": description}


def data_schema(event_type: str) -> dict[str, Any]:
    """The schema of the `data` of one event type, at its current schema version."""
    model = ALL_TYPES[event_type]
    summary = (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
    description = f"The data of a `{event_type}` event, schemaversion {model.VERSION}."
    return _document(model, event_type, f"{description} {summary}".strip())


def envelope_schema() -> dict[str, Any]:
    """The CloudEvents 1.0 envelope every event travels in (structured mode)."""
    return _document(
        CloudEvent,
        "CloudEvent",
        "A Löfte event in CloudEvents 1.0 structured mode; `data` follows the schema of its "
        "`type`. On Kafka the attributes travel as `ce_*` headers and `data` as the value.",
    )


def documents() -> dict[str, dict[str, Any]]:
    """Every standalone schema by the name it is served and committed under, sans `.json`."""
    return {ENVELOPE: envelope_schema(), **{name: data_schema(name) for name in ALL_TYPES}}


def component_name(event_type: str) -> str:
    """The name of an event type's data model among shared definitions."""
    return ALL_TYPES[event_type].__name__


def component_schemas(ref_template: str) -> dict[str, dict[str, Any]]:
    """The envelope, every data model and what they refer to, as one family of definitions.

    `ref_template` is where the caller keeps them, e.g. `#/components/schemas/{model}`.
    """
    models: list[type[BaseModel]] = [CloudEvent, *ALL_TYPES.values()]
    _, family = models_json_schema(
        [(model, "validation") for model in models], ref_template=ref_template
    )
    definitions: dict[str, dict[str, Any]] = family["$defs"]
    return definitions


def event_component(event_type: str) -> str:
    """The name of the definition of a whole event of one type (see `event_schema`)."""
    return f"{component_name(event_type)}Event"


def event_schemas(ref_template: str) -> dict[str, dict[str, Any]]:
    """Every partner event type's whole event, by `event_component` name."""
    return {event_component(t): event_schema(t, ref_template) for t in PARTNER_TYPES}


def event_schema(event_type: str, ref_template: str) -> dict[str, Any]:
    """An envelope whose `type` is `event_type` and whose `data` is that type's data."""
    return {
        "allOf": [
            {"$ref": ref_template.format(model="CloudEvent")},
            {
                "type": "object",
                "properties": {
                    "type": {"const": event_type},
                    "datacontenttype": {"const": JSON_CONTENT_TYPE},
                    "data": {"$ref": ref_template.format(model=component_name(event_type))},
                },
            },
        ],
        "title": event_type,
    }
