"""The Prometheus text exposition format (0.0.4), written quickly.

prometheus_client's `generate_latest` validates and escapes every label name and value of
every sample on every scrape. The series of a service hardly change between scrapes, so
`RegistryText` writes each series' name and labels once and after that only its value: the
same text at a fraction of the cost, in the event loop a service shares with its consumer.
"""

import re
from collections.abc import Callable, Hashable

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.samples import Sample
from prometheus_client.utils import floatToGoString

# prometheus_client's own number format (Go's), so that values read as they always did.
number: Callable[[float], str] = floatToGoString

_LEGACY_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
# Samples the OpenMetrics model has and the text format shows as gauges of their own.
_OPENMETRICS_ONLY = ("_created", "_gsum", "_gcount")
_SUFFIXES = {"counter": "_total", "info": "_info"}
_TYPES = {"info": "gauge", "stateset": "gauge", "gaugehistogram": "histogram", "unknown": "untyped"}
# Series whose labels come and go (none of ours do) would otherwise be held for ever.
MAX_HEADS = 100_000


def label(name: str, value: str) -> str:
    if "\\" in value or '"' in value or "\n" in value:
        value = value.replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")
    return f'{name}="{value}"'


def _help(text: str) -> str:
    return text.replace("\\", r"\\").replace("\n", r"\n")


class _NotLegacy(Exception):
    """A name the text format cannot show as it is: left to prometheus_client."""


class RegistryText:
    """`generate_latest(registry)`, with each series' head written once."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry
        self._heads: dict[Hashable, str] = {}

    def __call__(self) -> bytes:
        try:
            return self._write()
        except _NotLegacy:
            return generate_latest(self._registry)

    def _write(self) -> bytes:
        if len(self._heads) > MAX_HEADS:
            self._heads.clear()
        out: list[str] = []
        for family in self._registry.collect():
            name = family.name + _SUFFIXES.get(family.type, "")
            help_text = _help(family.documentation)
            out.append(
                f"# HELP {name} {help_text}\n# TYPE {name} {_TYPES.get(family.type, family.type)}\n"
            )
            apart: dict[str, list[str]] = {}
            for sample in family.samples:
                suffix = sample.name[len(family.name) :]
                line = self._line(sample)
                if suffix in _OPENMETRICS_ONLY and sample.name.startswith(family.name):
                    apart.setdefault(suffix, []).append(line)
                else:
                    out.append(line)
            for suffix, lines in sorted(apart.items()):
                name = family.name + suffix
                out.append(f"# HELP {name} {help_text}\n# TYPE {name} gauge\n")
                out.extend(lines)
        return "".join(out).encode()

    def _line(self, sample: Sample) -> str:
        key = (sample.name, *sample.labels.items())
        head = self._heads.get(key)
        if head is None:
            head = self._heads[key] = _head(sample)
        text = number(sample.value)
        if sample.timestamp is not None:
            return f"{head}{text} {int(float(sample.timestamp) * 1000):d}\n"
        return f"{head}{text}\n"


def _head(sample: Sample) -> str:
    if not _LEGACY_NAME.fullmatch(sample.name):
        raise _NotLegacy(sample.name)
    if not sample.labels:
        return f"{sample.name} "
    for name in sample.labels:
        if not _LEGACY_NAME.fullmatch(name) or ":" in name:
            raise _NotLegacy(name)
    labels = ",".join(label(name, value) for name, value in sorted(sample.labels.items()))
    return f"{sample.name}{{{labels}}} "
