"""A corpus case as it goes over the wire: an HTTP request, or a binary-mode Kafka record.

Strings in a case may hold two placeholders: `<unique>`, a token fresh for each sending (so
that ids never collide), and `<repeat N>text</repeat>`, N copies of the text (so that a file
can say "70,000 characters" or "100,000 levels of nesting" in a line).
"""

import base64
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from tests.bad_input import Case, KafkaHeader

SINGLE = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"
UNIQUE = "<unique>"
_REPEAT = re.compile(r"<repeat (\d+)>(.*?)</repeat>", re.DOTALL)


def expand(text: str, unique: str) -> str:
    """`<unique>` becomes this sending's unique token; `<repeat N>text</repeat>`, N copies."""
    text = _REPEAT.sub(lambda match: match[2] * int(match[1]), text)
    return text.replace(UNIQUE, unique)


def materialise(value: Any, unique: str) -> Any:
    """A copy of a JSON-like value with every string (not the keys) expanded."""
    if isinstance(value, str):
        return expand(value, unique)
    if isinstance(value, dict):
        return {key: materialise(item, unique) for key, item in value.items()}
    if isinstance(value, list):
        return [materialise(item, unique) for item in value]
    return value


def new_unique() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class HttpRequest:
    headers: dict[str, str]
    body: bytes
    events: list[dict[str, Any]]  # the events in it, as sent, when it is JSON made here


def http_request(case: Case, unique: str) -> HttpRequest:
    assert case.request is not None
    request = case.request
    events: list[dict[str, Any]] = []
    content_type = SINGLE
    if request.event is not None:
        events = [materialise(request.event, unique)]
        body = json.dumps(events[0], ensure_ascii=False).encode(errors="surrogatepass")
    elif request.batch is not None:
        batch = materialise(request.batch, unique)
        events = [item for item in batch if isinstance(item, dict)]
        body = json.dumps(batch, ensure_ascii=False).encode(errors="surrogatepass")
        content_type = BATCH
    elif request.body is not None:
        body = expand(request.body, unique).encode("utf-8", errors="surrogatepass")
    else:
        assert request.body_base64 is not None
        body = base64.b64decode(request.body_base64)
    headers = {"content-type": content_type, **request.headers}
    return HttpRequest(headers, body, events)


@dataclass(frozen=True)
class KafkaMessage:
    value: bytes | None
    headers: list[tuple[str, bytes]]
    event: dict[str, Any] | None  # the event it carries, when made from one


def binary_mode(event: dict[str, Any]) -> KafkaMessage:
    """A structured event (valid or not) as a binary-mode record: `ce_*` headers, data as value.

    Headers are text, so an attribute of another JSON type travels as its JSON text.
    """
    headers = []
    for name, attribute in event.items():
        if name == "data":
            continue
        text = attribute if isinstance(attribute, str) else json.dumps(attribute)
        header = "content-type" if name == "datacontenttype" else f"ce_{name}"
        headers.append((header, text.encode("utf-8", errors="surrogatepass")))
    value = None
    if "data" in event:
        value = json.dumps(event["data"], ensure_ascii=False).encode(errors="surrogatepass")
    return KafkaMessage(value, headers, event)


def kafka_message(case: Case, unique: str) -> KafkaMessage:
    made = None
    if case.request is not None and case.request.event is not None:
        made = binary_mode(materialise(case.request.event, unique))
    record = case.kafka
    if record is None:
        assert made is not None
        return made
    value = made.value if made else None
    if record.value is not None:
        value = expand(record.value, unique).encode("utf-8", errors="surrogatepass")
    elif record.value_base64 is not None:
        value = base64.b64decode(record.value_base64)
    headers = made.headers if made else []
    if record.headers is not None:
        headers = [(h.name, _header_bytes(h, unique)) for h in record.headers]
    headers = [*headers, *((h.name, _header_bytes(h, unique)) for h in record.extra_headers)]
    return KafkaMessage(value, headers, made.event if made else None)


def _header_bytes(header: KafkaHeader, unique: str) -> bytes:
    if header.text is not None:
        return expand(header.text, unique).encode()
    assert header.base64 is not None
    return base64.b64decode(header.base64)
