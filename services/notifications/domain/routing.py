"""Walking the routing tree: which receivers a notification's labels reach, and how.

`route(config, labels)` returns one `Match` per receiving route node with every setting
resolved (inherited where the node leaves it out), so nothing downstream needs the tree.
A route node is named by where it is written, `route.routes[0].routes[1]`: that is what an
operator reads in the file, and it is part of each group's key.

`dry_run(config, labels)` explains the same walk in plain JSON values for the API.
"""

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from services.notifications.domain.config import Escalation, Route, RoutingConfig
from services.notifications.domain.durations import format_duration
from services.notifications.domain.matchers import matches_all
from services.notifications.domain.timeintervals import ZONE, muted_until

ROOT: Final = "route"
DEFAULT_GROUP_WAIT: Final = timedelta(seconds=30)
DEFAULT_GROUP_INTERVAL: Final = timedelta(minutes=5)
DEFAULT_REPEAT_INTERVAL: Final = timedelta(hours=4)


@dataclass(frozen=True, slots=True)
class Match:
    """A route node that takes a notification, with its settings resolved."""

    route_id: str
    path: tuple[str, ...]
    receiver: str
    group_by: tuple[str, ...]
    group_wait: timedelta
    group_interval: timedelta
    repeat_interval: timedelta
    mute_time_intervals: tuple[str, ...]
    escalation: Escalation | None

    def group_key(self, labels: Mapping[str, str]) -> str:
        """`route.routes[0]:{organisation="polisen",promise="lund-2017"}`: stable text."""
        values = ",".join(
            f"{name}={json.dumps(labels.get(name, ''), ensure_ascii=False)}"
            for name in self.group_by
        )
        return f"{self.route_id}:{{{values}}}"


def _root(config: RoutingConfig) -> Match:
    root = config.route
    return Match(
        route_id=ROOT,
        path=(ROOT,),
        receiver=root.receiver or "",  # the config refuses a root without one
        group_by=root.group_by or (),
        group_wait=root.group_wait if root.group_wait is not None else DEFAULT_GROUP_WAIT,
        group_interval=root.group_interval or DEFAULT_GROUP_INTERVAL,
        repeat_interval=root.repeat_interval or DEFAULT_REPEAT_INTERVAL,
        mute_time_intervals=root.mute_time_intervals or (),
        escalation=root.escalation,
    )


def _inherit(parent: Match, child: Route, route_id: str) -> Match:
    return Match(
        route_id=route_id,
        path=(*parent.path, route_id),
        receiver=child.receiver or parent.receiver,
        group_by=parent.group_by if child.group_by is None else child.group_by,
        group_wait=parent.group_wait if child.group_wait is None else child.group_wait,
        group_interval=child.group_interval or parent.group_interval,
        repeat_interval=child.repeat_interval or parent.repeat_interval,
        mute_time_intervals=(
            parent.mute_time_intervals
            if child.mute_time_intervals is None
            else child.mute_time_intervals
        ),
        # `escalation: null` written in the file switches an inherited escalation off.
        escalation=child.escalation if child.sets("escalation") else parent.escalation,
    )


def _walk(node: Route, here: Match, labels: Mapping[str, str]) -> list[Match]:
    found: list[Match] = []
    for index, child in enumerate(node.routes):
        if not matches_all(child.matchers, labels):
            continue
        found += _walk(child, _inherit(here, child, f"{here.route_id}.routes[{index}]"), labels)
        if not child.continue_:
            break
    return found or [here]


def route(config: RoutingConfig, labels: Mapping[str, str]) -> list[Match]:
    """Every route node that takes `labels`, in the order the file lists them."""
    return _walk(config.route, _root(config), labels)


def _nodes(node: Route, here: Match) -> Iterator[Match]:
    yield here
    for index, child in enumerate(node.routes):
        yield from _nodes(child, _inherit(here, child, f"{here.route_id}.routes[{index}]"))


def routes_by_id(config: RoutingConfig) -> dict[str, Match]:
    """Every node of the tree by its id, with its settings resolved."""
    return {match.route_id: match for match in _nodes(config.route, _root(config))}


def route_by_id(config: RoutingConfig, route_id: str) -> Match | None:
    """The settings of the node `route_id` names, as they are in `config` now."""
    return routes_by_id(config).get(route_id)


def _contact(config: RoutingConfig, name: str) -> dict[str, Any]:
    return {"name": name, **config.contact_point(name).addresses()}


def _explain(
    config: RoutingConfig, match: Match, labels: Mapping[str, str], at: datetime | None
) -> dict[str, Any]:
    intervals = [config.time_intervals[name] for name in match.mute_time_intervals]
    muted = muted_until(intervals, at) if at is not None else None
    escalation = match.escalation
    return {
        "route": match.route_id,
        "path": list(match.path),
        "receiver": match.receiver,
        "contact_point": _contact(config, match.receiver),
        "group_by": list(match.group_by),
        "group_key": match.group_key(labels),
        "group_wait": format_duration(match.group_wait),
        "group_interval": format_duration(match.group_interval),
        "repeat_interval": format_duration(match.repeat_interval),
        "mute_time_intervals": list(match.mute_time_intervals),
        "muted_until": muted.astimezone(ZONE).isoformat() if muted is not None else None,
        "escalation": None
        if escalation is None
        else {
            "after": format_duration(escalation.after),
            "receiver": escalation.receiver,
            "contact_point": _contact(config, escalation.receiver),
            "applies": labels.get("severity") == "critical",
        },
    }


def dry_run(
    config: RoutingConfig, labels: Mapping[str, str], at: datetime | None = None
) -> dict[str, Any]:
    """Where a notification with `labels` would go, and why, as JSON values.

    With `at`, each match also says until when its mute timings would hold it back.
    Webhook secrets are never shown.
    """
    matches = route(config, labels)
    rules = [
        {
            "rule": index,
            "source_matchers": [str(m) for m in rule.source_matchers],
            "equal": list(rule.equal),
        }
        for index, rule in enumerate(config.inhibit_rules)
        if matches_all(rule.target_matchers, labels)
    ]
    return {
        "labels": dict(labels),
        "matches": [_explain(config, match, labels, at) for match in matches],
        "receivers": list(dict.fromkeys(match.receiver for match in matches)),
        "inhibitable_by": rules,
    }
