"""Runs a service's ASGI app as its own process."""

import sys
from collections.abc import Callable
from typing import TypeVar

import uvicorn
from starlette.applications import Starlette

from shared.promises import PromiseFileError
from shared.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


def serve(app: Starlette, settings: ServiceSettings) -> None:
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,  # the service's JSON logging stays in charge
        access_log=False,
        timeout_graceful_shutdown=10,
    )


def build_and_serve(create_app: Callable[[S], Starlette], settings: S) -> None:
    """An operator's promise file with a mistake stops the start with every problem and where
    it is (file:line:column), not with a traceback that buries them."""
    try:
        app = create_app(settings)
    except PromiseFileError as error:
        sys.exit(f"cannot start: the promises do not load\n{error}")
    serve(app, settings)
