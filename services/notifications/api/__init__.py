"""The notifications service's HTTP routes: notifications, answers and the delivery log
(`notifications`), the acknowledge links' pages (`ack_pages`), silences and the routing dry
run (`routing`). What they share is in `parts`."""

from fastapi import APIRouter

from services.notifications.api import ack_pages, notifications, routing
from services.notifications.api.parts import ApiParts

ROUTERS: tuple[APIRouter, ...] = (notifications.router, ack_pages.router, routing.router)

__all__ = ["ROUTERS", "ApiParts"]
