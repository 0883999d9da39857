"""The baseline the services are measured against: a bare Starlette app that does only what
no service can avoid, served exactly as the services are (`shared.serve`: same uvicorn
settings, same JSON logging at the same level).

- `POST /v1/events` parses the same JSON body and answers 202 with the ids, as the
  activities service does, without authentication, validation, database or Kafka.
- `GET /metrics` serves prometheus_client's default registry (process, platform and garbage
  collector series), the least a Prometheus scrape can cost.
- `GET /ready` answers at once, for `tests.processes.wait_ready`.

Run it with `python -m bench.bare_app` (`HTTP_PORT` says where).
"""

import json

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shared.observability import configure_logging
from shared.serve import serve
from shared.settings import ServiceSettings

NAME = "bare"


async def events(request: Request) -> JSONResponse:
    document = json.loads(await request.body())
    batch = document if isinstance(document, list) else [document]
    return JSONResponse({"accepted": [event["id"] for event in batch]}, status_code=202)


async def metrics(request: Request) -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


async def ready(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ready"})


def create_app() -> Starlette:
    return Starlette(
        routes=[
            Route("/v1/events", events, methods=["POST"]),
            Route("/metrics", metrics),
            Route("/ready", ready),
        ]
    )


if __name__ == "__main__":
    settings = ServiceSettings()
    configure_logging(NAME, settings.log_level)
    serve(create_app(), settings)
