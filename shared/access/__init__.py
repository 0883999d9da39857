"""Who is calling, and what they may do.

Two ways in, both as `Authorization: Bearer …`: an API key (scripts and partner systems;
`lofte keys create --org ORG --role ROLE`) or an OpenID Connect access token from the
organisation's identity provider (people). Either becomes a `Principal`: a name recorded with
what they do, a role and, except for some admins, an organisation.

- `partner`: sends events and reads what it sent;
- `staff`: reads and acts for its own organisation;
- `admin`: everything, every organisation.

The keys live in a schema of their own, `access`, which every service migrates and reads:
a key made once works wherever its role lets it in.
"""

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final, Literal

SCHEMA: Final = "access"
MIGRATIONS: Final = Path(__file__).parent / "migrations"


class Role(StrEnum):
    PARTNER = "partner"
    STAFF = "staff"
    ADMIN = "admin"


# The order of rights: a token listing several roles gets the strongest it names.
RANKED: Final = (Role.PARTNER, Role.STAFF, Role.ADMIN)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request comes from, once its credentials were checked."""

    name: str
    role: Role
    organisation: str | None
    via: Literal["key", "token"]

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)

    def acts_for(self, organisation: str | None) -> bool:
        """May read and act on what belongs to `organisation`."""
        return self.is_admin or (organisation is not None and organisation == self.organisation)

    def scope(self) -> str | None:
        """The one organisation a listing is limited to; None for an admin (all of them)."""
        return None if self.is_admin else self.organisation
