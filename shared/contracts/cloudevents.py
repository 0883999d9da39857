"""The envelope every Löfte event travels in: CloudEvents 1.0.

Over HTTP it comes in structured mode (`application/cloudevents+json`); on Kafka it travels
in binary mode: the attributes as `ce_*` headers and the data as the JSON value.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from shared.contracts.errors import InvalidEvent

SPEC_VERSION: Final = "1.0"
JSON_CONTENT_TYPE: Final = "application/json"
HEADER_PREFIX = "ce_"

EventId = Annotated[str, Field(min_length=1, max_length=200)]
Source = Annotated[str, Field(min_length=1, max_length=500)]
EventTypeName = Annotated[str, Field(min_length=1, max_length=100)]


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 event with a JSON object as its data.

    `schemaversion` is Löfte's extension attribute: the version of the data's schema for
    this `type`; consumers upcast older versions on read. `id` and `source` together are
    unique: a second event with both equal is the same event sent again.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    specversion: Literal["1.0"]
    id: EventId
    source: Source
    type: EventTypeName
    time: AwareDatetime
    subject: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    datacontenttype: Literal["application/json"] = JSON_CONTENT_TYPE
    dataschema: Annotated[str, Field(max_length=500)] | None = None
    schemaversion: Annotated[int, Field(ge=1)] = 1
    data: dict[str, Any]

    @property
    def key(self) -> str:
        """The partition key: events about one subject stay in order on one partition."""
        return self.subject or self.type


def parse_structured(document: Any) -> CloudEvent:
    """Validate one event in structured mode (already decoded from JSON)."""
    if not isinstance(document, Mapping):
        raise InvalidEvent.single("", "an event must be a JSON object")
    try:
        return CloudEvent.model_validate(document)
    except ValidationError as error:
        raise InvalidEvent.from_validation_error(error) from None


def to_structured(event: CloudEvent) -> dict[str, Any]:
    return event.model_dump(mode="json", exclude_none=True)


def to_kafka_headers(event: CloudEvent) -> dict[str, str]:
    attributes = event.model_dump(mode="json", exclude={"data", "datacontenttype"})
    headers = {
        f"{HEADER_PREFIX}{name}": str(value)
        for name, value in attributes.items()
        if value is not None
    }
    headers["content-type"] = event.datacontenttype
    return headers


def to_kafka_value(event: CloudEvent) -> bytes:
    return json.dumps(event.data, ensure_ascii=False, separators=(",", ":")).encode()


def from_kafka(value: bytes | None, headers: Iterable[tuple[str, bytes]]) -> CloudEvent:
    """Read a binary-mode record back into an event, or say exactly why it cannot be."""
    attributes: dict[str, Any] = {}
    for name, raw in headers:
        if not name.startswith(HEADER_PREFIX):
            continue
        try:
            attributes[name.removeprefix(HEADER_PREFIX)] = raw.decode()
        except UnicodeDecodeError:
            raise InvalidEvent.single(f"header {name}", "is not valid UTF-8") from None
    if value is None:
        raise InvalidEvent.single("value", "the record has no value (data)")
    try:
        attributes["data"] = json.loads(value.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidEvent.single("value", "is not valid UTF-8") from None
    except RecursionError:
        raise InvalidEvent.single("value", "is nested too deeply") from None
    except json.JSONDecodeError as error:
        raise InvalidEvent.single("value", f"is not valid JSON: {error.msg}") from None
    return parse_structured(attributes)
