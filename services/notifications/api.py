"""HTTP API of the notifications service."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from services.notifications import repository

router = APIRouter(prefix="/v1")


@router.get("/kpi-events", summary="The latest KPI events received from the metrics service")
async def list_kpi_events(
    request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[dict[str, Any]]:
    async with request.app.state.pool.acquire() as connection:
        return await repository.latest_received(connection, limit)
