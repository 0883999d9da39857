"""The bad input corpus (`tests/corpus/*.yaml`): what a case says, and how its answer is judged.

A case is data, one file each, so that adding one is writing a file: see `tests/corpus/README.md`
for the format. The files are read strictly: a typo in a case is an error, never a silently
weaker test. `tests.corpus_wire` turns a case into what is sent.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

CORPUS = Path(__file__).parent / "corpus"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Request(_Strict):
    """What is sent: exactly one of an event, a batch, a text body or a base64 body."""

    event: dict[str, Any] | None = None
    batch: list[Any] | None = None
    body: str | None = None
    body_base64: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_body(self) -> "Request":
        given = [self.event, self.batch, self.body, self.body_base64]
        if sum(part is not None for part in given) != 1:
            raise ValueError("give exactly one of event, batch, body, body_base64")
        return self


class KafkaHeader(_Strict):
    name: str
    text: str | None = None
    base64: str | None = None

    @model_validator(mode="after")
    def _one_value(self) -> "KafkaHeader":
        if (self.text is None) == (self.base64 is None):
            raise ValueError("give exactly one of text, base64")
        return self


class KafkaRecord(_Strict):
    """A record written by hand, where the one made from `request.event` will not do."""

    value: str | None = None
    value_base64: str | None = None
    headers: list[KafkaHeader] | None = None  # replaces the headers made from the event
    extra_headers: list[KafkaHeader] = Field(default_factory=list)  # added to them


OneOrMore = str | Annotated[list[str], Field(min_length=1)]


class Expect(_Strict):
    """How the service must answer: refused (a 4xx and/or a dead letter) or stored verbatim."""

    status: int | Annotated[list[int], Field(min_length=1)] | None = None
    reason: OneOrMore | None = None  # any of these in the problem document's detail or errors
    location: str | None = None  # one of the problem document's errors is about this field
    dlq: OneOrMore | None = None  # any of these in the dead letter's `dlq_reason`
    stored: Literal["verbatim"] | None = None
    secret: str | None = None  # never repeated in an answer or a reason

    @model_validator(mode="after")
    def _refused_or_stored(self) -> "Expect":
        if self.stored and (self.status or self.reason or self.dlq or self.location):
            raise ValueError("a case is either stored or refused, not both")
        statuses = [self.status] if isinstance(self.status, int) else self.status or []
        if any(not 400 <= status < 500 for status in statuses):
            raise ValueError("bad input is refused with a 4xx, never anything else")
        return self


class Case(_Strict):
    description: str
    via: Literal["http", "kafka", "both"]
    request: Request | None = None
    kafka: KafkaRecord | None = None
    expect: Expect

    @model_validator(mode="after")
    def _complete(self) -> "Case":
        expect = self.expect
        if self.via in ("http", "both"):
            if self.request is None:
                raise ValueError("an HTTP case needs a request")
            if not expect.stored and not (expect.status and expect.reason):
                raise ValueError("an HTTP case expects a status and a reason, or stored")
        if self.via in ("kafka", "both"):
            has_event = self.request is not None and self.request.event is not None
            if not has_event and self.kafka is None:
                raise ValueError("a Kafka case needs request.event or a kafka record")
            if not expect.stored and not expect.dlq:
                raise ValueError("a Kafka case expects a dlq reason, or stored")
        return self

    @property
    def http(self) -> bool:
        return self.via in ("http", "both")

    @property
    def over_kafka(self) -> bool:
        return self.via in ("kafka", "both")


@dataclass(frozen=True)
class NamedCase:
    name: str
    case: Case

    def __str__(self) -> str:
        return self.name


def load_corpus(directory: Path = CORPUS) -> list[NamedCase]:
    cases = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
            cases.append(NamedCase(path.stem, Case.model_validate(document)))
        except Exception as error:
            raise ValueError(f"{path.name}: {error}") from error
    return cases


def problem_reasons(document: Any) -> Iterator[str]:
    """Every reason a problem document gives: its detail and each `location: message`."""
    if not isinstance(document, dict):
        return
    if isinstance(document.get("detail"), str):
        yield document["detail"]
    for error in document.get("errors") or ():
        yield f"{error.get('location')}: {error.get('message')}"


def alternatives(expected: OneOrMore | None) -> list[str]:
    if expected is None:
        return []
    return [expected] if isinstance(expected, str) else list(expected)


def secret_spellings(secret: str) -> set[str]:
    """A personal identity number as it was written, and its ten digits without separator."""
    digits = "".join(char for char in secret if char.isdigit())
    return {secret, digits[-10:]}
