"""Label matchers, written as Alertmanager writes them: `severity="critical"`.

Four operators: `=` and `!=` compare the value, `=~` and `!~` match a regular expression
against the WHOLE value (`status=~"at-risk|behind"` does not match `behind-ish`), so a
pattern says exactly what it selects. A label a notification does not carry counts as the
empty string, so `focus_area!="droger"` also selects outcome notifications, which have no
focus area.
"""

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, cast

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

Operator = Literal["=", "!=", "=~", "!~"]
_SYNTAX = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*")


@dataclass(frozen=True, slots=True)
class Matcher:
    label: str
    op: Operator
    value: str
    _pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, label: str, op: Operator, value: str) -> "Matcher":
        """A matcher; ValueError when a regular expression does not compile."""
        if op in ("=~", "!~"):
            try:
                return cls(label, op, value, re.compile(value))
            except re.error as error:
                raise ValueError(f"bad regular expression {value!r}: {error}") from None
        return cls(label, op, value)

    @classmethod
    def parse(cls, text: str) -> "Matcher":
        """`label="value"` (the quotes are optional; inside them JSON escapes apply)."""
        found = _SYNTAX.fullmatch(text)
        if found is None:
            raise ValueError(f"{text!r} is not a matcher; write e.g. 'severity=\"critical\"'")
        label, op, raw = found.groups()
        value = raw
        if raw.startswith('"'):
            try:
                value = json.loads(raw)
            except json.JSONDecodeError:
                raise ValueError(f"{text!r}: the quoted value is not closed properly") from None
            if not isinstance(value, str):  # pragma: no cover - a JSON string starts with "
                raise ValueError(f"{text!r}: the value must be text")
        return cls.of(label, cast(Operator, op), value)

    def matches(self, labels: Mapping[str, str]) -> bool:
        actual = labels.get(self.label, "")
        if self.op == "=":
            return actual == self.value
        if self.op == "!=":
            return actual != self.value
        # Built directly rather than by `of`, a matcher compiles its pattern here.
        pattern = self._pattern if self._pattern is not None else re.compile(self.value)
        found = pattern.fullmatch(actual) is not None
        return found if self.op == "=~" else not found

    def __str__(self) -> str:
        return f"{self.label}{self.op}{json.dumps(self.value, ensure_ascii=False)}"


def matches_all(matchers: Iterable[Matcher], labels: Mapping[str, str]) -> bool:
    """True when every matcher matches; no matchers match everything."""
    return all(matcher.matches(labels) for matcher in matchers)


def _matcher_input(value: Any) -> Matcher:
    if isinstance(value, Matcher):
        return value
    if isinstance(value, str):
        return Matcher.parse(value)
    raise ValueError("write a matcher as text, e.g. 'severity=\"critical\"'")


MatcherField = Annotated[
    Matcher,
    PlainValidator(_matcher_input),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {"type": "string", "examples": ['severity="critical"', 'status=~"at-risk|behind"']}
    ),
]
"""A matcher in a pydantic model: read from and written as its text."""
