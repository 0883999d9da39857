"""Runs a service's ASGI app as its own process."""

import uvicorn
from fastapi import FastAPI

from shared.settings import ServiceSettings


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,  # the service's JSON logging stays in charge
        access_log=False,
        timeout_graceful_shutdown=10,
    )
