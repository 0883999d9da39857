"""What the activities service accepts, and from whom. Pure rules: no I/O, time passed in."""

from services.activities.domain.acceptance import AcceptedEvent, accept, accept_all
from services.activities.domain.authorization import Forbidden, authorize
from services.activities.domain.catalogue import Catalogue

__all__ = ["AcceptedEvent", "Catalogue", "Forbidden", "accept", "accept_all", "authorize"]
