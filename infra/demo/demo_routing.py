"""The routing `make up` runs the notifications service with: the shipped Lund routing, with
every webhook and Teams address pointed at the local webhook inbox (`webhook_inbox.py`) under
the contact point's name, so that the demo's notifications can be read; mail goes to the
local mail catcher by the service's SMTP settings, whatever the addresses.

    python infra/demo/demo_routing.py SOURCE DESTINATION --inbox http://127.0.0.1:8090
"""

import argparse
from pathlib import Path
from typing import Any

import yaml

URL_CHANNELS = ("webhooks", "teams")


def pointed_at_inbox(routing: dict[str, Any], inbox: str) -> dict[str, Any]:
    points = routing.get("contact_points") or {}
    for name, channels in points.items():
        for channel in URL_CHANNELS:
            for endpoint in (channels or {}).get(channel) or []:
                endpoint["url"] = f"{inbox.rstrip('/')}/{channel}/{name}"
    return routing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("destination", type=Path)
    parser.add_argument("--inbox", required=True)
    arguments = parser.parse_args()
    routing = yaml.safe_load(arguments.source.read_text(encoding="utf-8"))
    routing = pointed_at_inbox(routing, arguments.inbox)
    text = yaml.safe_dump(routing, allow_unicode=True, sort_keys=False)
    header = f"# Rendered by infra/demo/demo_routing.py from {arguments.source}: do not edit.\n"
    arguments.destination.write_text(header + text, encoding="utf-8")


if __name__ == "__main__":
    main()
