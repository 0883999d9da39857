"""Who may report what: an organisation reports on its own commitments only."""

from services.activities.domain.acceptance import AcceptedEvent
from services.activities.domain.catalogue import Catalogue


class Forbidden(Exception):
    """The caller's organisation may not report this; the message says why."""


def authorize(accepted: AcceptedEvent, organisation: str, catalogue: Catalogue) -> None:
    if accepted.placement is not None:
        responsible = accepted.placement.commitment.responsible
        if organisation not in responsible:
            raise Forbidden(
                f"{organisation} is not responsible for {accepted.placement.commitment.id}"
                f" (responsible: {', '.join(responsible)})"
            )
        if organisation not in accepted.organisations:
            raise Forbidden(
                f"{organisation} may only report activities it took part in; "
                "list it in data.organisations"
            )
    elif organisation not in catalogue.parties:
        raise Forbidden(f"{organisation} is not a party to any promise")
