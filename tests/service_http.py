"""Talking to a running service over HTTP as a partner system or an operator would."""

from typing import Any

import httpx


async def get_json(url: str, key: str | None = None) -> Any:
    """The JSON at `url`, read with the API key `key` when given (staff endpoints need one)."""
    headers = {"authorization": f"Bearer {key}"} if key else {}
    async with httpx.AsyncClient(timeout=5, headers=headers) as client:
        response = await client.get(url)
        response.raise_for_status()
        return response.json()


async def post_event(url: str, body: bytes, key: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=5) as client:
        return await client.post(
            f"{url}/v1/events",
            content=body,
            headers={
                "content-type": "application/cloudevents+json",
                "authorization": f"Bearer {key}",
            },
        )
