from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI


@asynccontextmanager
async def serving(
    app: FastAPI, headers: Mapping[str, str] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """The app started as in production (lifespan included), spoken to over ASGI; with
    `headers` on every request (credentials: tests.keys.bearer)."""
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://service.test", headers=headers
        ) as client,
    ):
        yield client
