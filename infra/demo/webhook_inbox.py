"""A local stand-in for the organisations' webhook and Teams endpoints while Löfte runs on one
machine (`make up`): it takes every POST, keeps the latest, and shows them on a page, so the
demo's notifications can be read in a browser instead of failing against example addresses.

    python infra/demo/webhook_inbox.py --port 8090

`GET /` shows the messages received, newest first; `GET /messages.json` gives them as JSON.
Nothing is kept on disk: the inbox is for looking, not for records.
"""

import argparse
import html
import json
from collections import deque
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

KEEP = 500
SHOWN_HEADERS = ("content-type", "webhook-id", "webhook-timestamp", "webhook-signature")


@dataclass(frozen=True)
class Received:
    at: str
    path: str
    headers: dict[str, str]
    body: Any


def create_app(keep: int = KEEP) -> Starlette:
    received: deque[Received] = deque(maxlen=keep)

    async def take(request: Request) -> Response:
        raw = await request.body()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", errors="replace")
        received.appendleft(
            Received(
                at=datetime.now(UTC).isoformat(timespec="seconds"),
                path=request.url.path,
                headers={k: v for k, v in request.headers.items() if k in SHOWN_HEADERS},
                body=body,
            )
        )
        return Response(status_code=204)

    async def as_json(_request: Request) -> JSONResponse:
        return JSONResponse([asdict(message) for message in received])

    async def page(_request: Request) -> HTMLResponse:
        return HTMLResponse(render(list(received)))

    return Starlette(
        routes=[
            Route("/", page, methods=["GET"]),
            Route("/messages.json", as_json, methods=["GET"]),
            Route("/{path:path}", take, methods=["POST"]),
        ]
    )


def render(messages: list[Received]) -> str:
    items = "\n".join(
        f"<li><h2>{html.escape(m.path)} <small>{html.escape(m.at)}</small></h2>"
        f"<pre>{html.escape(json.dumps(m.body, ensure_ascii=False, indent=2))}</pre></li>"
        for m in messages
    )
    return f"""<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><meta http-equiv="refresh" content="10">
<title>Löfte – mottagna webhooks ({len(messages)})</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}}
pre{{background:#f4f4f4;padding:1rem;overflow:auto}}small{{color:#555;font-weight:normal}}</style>
</head>
<body>
<h1>Mottagna webhooks och Teams-meddelanden</h1>
<p>Det Löfte skickade till organisationernas webhooks, senaste först ({len(messages)}).</p>
<ol reversed>{items}</ol>
</body>
</html>"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    arguments = parser.parse_args()
    uvicorn.run(create_app(), host=arguments.host, port=arguments.port, log_level="warning")


if __name__ == "__main__":
    main()
