"""HTTP API of the metrics service."""

from typing import Any

from fastapi import APIRouter, Request

from services.metrics import repository

router = APIRouter(prefix="/v1")


@router.get("/tallies/{commitment}", summary="Completed activities of a commitment per period")
async def get_tallies(request: Request, commitment: str) -> dict[str, Any]:
    async with request.app.state.pool.acquire() as connection:
        periods = await repository.tallies_of(connection, commitment)
    return {"commitment": commitment, "periods": periods}
