"""The app served in-process the way a real server answers: a failing route is a 500."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI


@asynccontextmanager
async def answering(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Like `tests.asgi.serving`, except that an error inside the app comes back as the 500
    a client would get, for the test to judge, instead of being raised into the test."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://service.test") as client,
    ):
        yield client
