"""The envelope every Löfte event travels in: CloudEvents 1.0.

Over HTTP it comes in structured mode (`application/cloudevents+json`); on Kafka it travels
in binary mode: the attributes as `ce_*` headers and the data as the JSON value.
"""

import functools
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
)

from shared.contracts.errors import InvalidEvent, validate_each

SPEC_VERSION: Final = "1.0"
JSON_CONTENT_TYPE: Final = "application/json"
HEADER_PREFIX = "ce_"


def _storable(text: str) -> str:
    # JSON allows U+0000; PostgreSQL's text and jsonb, where every service keeps events, do not.
    if "\x00" in text:
        raise ValueError("contains the NUL character (U+0000), which no text may hold")
    return text


# Validation context: the JSON text the events were read from holds no NUL (`nul_free`).
NUL_FREE = "nul_free"


def nul_free(raw: bytes) -> bool:
    """Whether no string of the JSON document `raw` (one that decodes) can hold U+0000: JSON
    writes it only as the escape backslash-u0000 (a raw one is no JSON), so a text without
    those six characters has none. Where they stand for themselves (an escaped backslash
    before u0000) this says no, and the check of each event's data decides."""
    return b"\\u0000" not in raw


def _storable_data(data: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
    if info.context is not None and info.context.get(NUL_FREE):
        return data
    # JSON writes U+0000 as \u0000, so data without that text anywhere has no NUL: one C-speed
    # look instead of a walk for nearly every event. The walk decides the rest (a literal
    # backslash-u0000 is allowed) and data that cannot be written out as it is.
    try:
        if "\\u0000" not in json.dumps(data):
            return data
    except (RecursionError, TypeError, ValueError):
        pass
    pending: list[Any] = [data]  # a loop, not recursion: data may be nested deeply
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            _storable(item)
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return data


def _within_calendar(value: datetime) -> datetime:
    # A day's margin from year 1 and year 9999, so that every time zone can show the instant.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    try:
        (aware - timedelta(days=1)).astimezone(UTC)
        (aware + timedelta(days=1)).astimezone(UTC)
    except OverflowError:
        raise ValueError("is too close to the ends of the calendar (years 1 and 9999)") from None
    return value


Text = AfterValidator(_storable)
WithinCalendar = AfterValidator(_within_calendar)
Instant = Annotated[AwareDatetime, WithinCalendar]
EventId = Annotated[str, Field(min_length=1, max_length=200), Text]
Source = Annotated[str, Field(min_length=1, max_length=500), Text]
EventTypeName = Annotated[str, Field(min_length=1, max_length=100), Text]


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 event with a JSON object as its data.

    `schemaversion` is Löfte's extension attribute: the version of the data's schema for
    this `type`; consumers upcast older versions on read. `id` and `source` together are
    unique: a second event with both equal is the same event sent again.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    specversion: Literal["1.0"] = Field(description="the CloudEvents version: 1.0")
    id: EventId = Field(
        description="unique for its source: the same (source, id) again is the same event, "
        "sent again"
    )
    source: Source = Field(description="the sending system, e.g. urn:lofte:partner:polisen")
    type: EventTypeName = Field(description="the event type, which says what `data` holds")
    time: Instant = Field(description="when it happened (RFC 3339, with a UTC offset)")
    subject: Annotated[str, Field(min_length=1, max_length=200), Text] | None = Field(
        default=None,
        description="the partition key; for an event about a commitment, the commitment",
    )
    datacontenttype: Literal["application/json"] = Field(
        default=JSON_CONTENT_TYPE, description="always application/json"
    )
    dataschema: Annotated[str, Field(max_length=500), Text] | None = Field(
        default=None, description="a URI of the data's schema, for the sender's own use"
    )
    schemaversion: Annotated[int, Field(ge=1)] = Field(
        default=1, description="Löfte's extension: the version of the data's schema for `type`"
    )
    data: Annotated[dict[str, Any], AfterValidator(_storable_data)] = Field(
        description="the event's data, as the schema of its `type` says"
    )

    @property
    def identity(self) -> tuple[str, str]:
        """What makes an event the same event (CloudEvents: `source` and `id` together), as
        every consumer's dedup records are keyed."""
        return self.source, self.id

    @property
    def key(self) -> str:
        """The partition key: events about one subject stay in order on one partition."""
        return self.subject or self.type


def parse_structured(document: Any, *, from_nul_free_text: bool = False) -> CloudEvent:
    """Validate one event in structured mode (already decoded from JSON).
    `from_nul_free_text`: the JSON text it came in passed `nul_free`."""
    if not isinstance(document, Mapping):
        raise InvalidEvent.single("", "an event must be a JSON object")
    try:
        return CloudEvent.model_validate(document, context={NUL_FREE: from_nul_free_text})
    except ValidationError as error:
        raise InvalidEvent.from_validation_error(error) from None


_BATCH = TypeAdapter(list[CloudEvent])


def parse_batch(documents: list[Any], *, from_nul_free_text: bool = False) -> list[CloudEvent]:
    """Validate a batch of events in one pass; all pass, or one InvalidEvent lists every
    event's problems at its index, in the words `parse_structured` gives each."""
    try:
        return _BATCH.validate_python(documents, context={NUL_FREE: from_nul_free_text})
    except ValidationError:
        # Rare, and worth the words: each event again, alone, says what is wrong with it.
        check = functools.partial(parse_structured, from_nul_free_text=from_nul_free_text)
        return validate_each(documents, check)


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


def encoded(headers: Mapping[str, str]) -> list[tuple[str, bytes]]:
    """Headers as a Kafka client sends them."""
    return [(name, value.encode()) for name, value in headers.items()]


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
    return parse_structured(attributes, from_nul_free_text=nul_free(value))
