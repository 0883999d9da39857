"""Runs a service's ASGI app as its own process."""

import asyncio
import contextlib
import gc
import sys
from collections.abc import Callable, Generator
from typing import TypeVar

import uvicorn
from starlette.applications import Starlette

from shared.promises import PromiseFileError
from shared.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


def serve(app: Starlette, settings: ServiceSettings) -> None:
    """The app on its address, and `/metrics` on its own when the settings give it one."""
    service = uvicorn.Server(_config(app, settings.http_host, settings.http_port))
    metrics = getattr(app.state, "metrics_app", None)
    if metrics is None or settings.metrics_listen_port is None:
        service.run()
        return
    beside = _Beside(_config(metrics, settings.metrics_listen_host, settings.metrics_listen_port))
    asyncio.run(_serve_both(service, beside))


def _config(app: Starlette, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,  # the service's JSON logging stays in charge
        access_log=False,
        timeout_graceful_shutdown=10,
    )


class _Beside(uvicorn.Server):
    """A server that leaves the signals to the service's own, which stops it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


async def _serve_both(service: uvicorn.Server, beside: uvicorn.Server) -> None:
    running = asyncio.create_task(beside.serve())
    try:
        await service.serve()
    finally:
        beside.should_exit = True
        await running


def build_and_serve(create_app: Callable[[S], Starlette], settings: S) -> None:
    """An operator's promise file with a mistake stops the start with every problem and where
    it is (file:line:column), not with a traceback that buries them."""
    try:
        app = create_app(settings)
    except PromiseFileError as error:
        sys.exit(f"cannot start: the promises do not load\n{error}")
    keep_out_of_collections()
    serve(app, settings)


def keep_out_of_collections() -> None:
    """Leave what the start made (modules, the app, its routes and models: about 100,000
    objects, all alive for good) out of the garbage collector's full collections. Each of
    those walked them all, 50-80 ms with nothing found, every ten seconds or so under load,
    and held everything the service was doing for as long."""
    gc.collect()
    gc.freeze()
