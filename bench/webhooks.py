"""A webhook receiver that notes when each notification arrived, after checking its
Standard Webhooks signature as a partner's receiver would."""

import asyncio
import base64
import json
import secrets
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.notifications.channels import InvalidSignature, verify


@dataclass
class Arrival:
    at: float  # time.perf_counter() when it came
    payload: dict[str, Any]


@dataclass
class TimedReceiver:
    secret: str = field(
        default_factory=lambda: "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    )
    url: str = ""
    arrivals: list[Arrival] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        arrived = time.perf_counter()
        try:
            verify(body, request.headers, self.secret)
        except InvalidSignature as error:
            return Response(str(error), status_code=401)
        if request.headers["webhook-id"] not in self.seen_ids:
            self.seen_ids.add(request.headers["webhook-id"])
            self.arrivals.append(Arrival(arrived, json.loads(body)))
        return Response(status_code=204)


@asynccontextmanager
async def timed_receiver() -> AsyncIterator[TimedReceiver]:
    receiver = TimedReceiver()
    app = Starlette(routes=[Route("/hook", receiver.hook, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    with socket.create_server(("127.0.0.1", 0)) as listening:
        receiver.url = f"http://127.0.0.1:{listening.getsockname()[1]}/hook"
        task = asyncio.create_task(server.serve(sockets=[listening]))
        try:
            yield receiver
        finally:
            server.should_exit = True
            await task
