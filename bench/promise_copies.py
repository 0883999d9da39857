"""Promises for the footprint benchmark: copies of Lund 2017, each with an id and parties of
its own, so that every copy adds its own series to /metrics as another area's promise would."""

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from shared.promises import DEFAULT_PROMISE_ID

LUND_PARTIES = ("polisen", "kommunen", "raddningstjansten")


@dataclass(frozen=True, slots=True)
class PromiseCopy:
    id: str
    suffix: str  # of its parties' ids, and of its events' ids

    def organisation(self, lund_party: str) -> str:
        return f"{lund_party}{self.suffix}"


LUND = PromiseCopy(DEFAULT_PROMISE_ID, "")


def _renamed(node: Any, parties: dict[str, str]) -> Any:
    # A party's id only ever stands alone as a value (parties, responsible, dimensions), so an
    # exact match renames it and leaves every text that mentions "polisen" in passing alone.
    if isinstance(node, dict):
        return {key: _renamed(value, parties) for key, value in node.items()}
    if isinstance(node, list):
        return [_renamed(value, parties) for value in node]
    if isinstance(node, str):
        return parties.get(node, node)
    return node


def as_reported_in(event: dict[str, Any], copy: PromiseCopy) -> dict[str, Any]:
    """A Lund partner event as the copy's partners would send it: naming the copy's promise
    (its commitments' ids are Lund's) and parties, with an id and source of its own."""
    data = dict(event["data"])
    if "organisations" in data:
        data["organisations"] = [copy.organisation(party) for party in data["organisations"]]
    if "commitment" in data:
        data["promise"] = copy.id
    if "event_id" in data:  # a retraction names the event it takes back
        data["event_id"] = f"{data['event_id']}{copy.suffix}"
    return {
        **event,
        "id": f"{event['id']}{copy.suffix}",
        "source": f"{event['source']}{copy.suffix}",
        "data": data,
    }


def write_copies(folder: Path, count: int) -> list[PromiseCopy]:
    """`count` copies of Lund 2017 as YAML files in `folder`, for PROMISES_DIR."""
    lund = yaml.safe_load(files("shared.promises").joinpath("lund-2017.yaml").read_text("utf-8"))
    copies = []
    for number in range(2, count + 2):
        copy = PromiseCopy(f"{DEFAULT_PROMISE_ID}-kopia-{number:02}", f"-{number:02}")
        document = _renamed(lund, {party: copy.organisation(party) for party in LUND_PARTIES})
        document["id"] = copy.id
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
        (folder / f"{copy.id}.yaml").write_text(text, encoding="utf-8")
        copies.append(copy)
    return copies
