"""A key found valid lately still lets its holder in while the database is unreachable, and
only then: otherwise the database decides, so a revoked key stops at once."""

import pytest

from shared.access import Principal, Role
from shared.access.known_keys import KEEP_SECONDS, KnownKeys

ANNA = Principal("key 0123456789abcdef (anna)", Role.STAFF, "polisen", "key")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def found() -> Principal | None:
    return ANNA


async def revoked() -> Principal | None:
    return None


async def unreachable() -> Principal | None:
    raise ConnectionRefusedError("the database is away")


async def test_while_the_database_is_away_a_key_found_valid_lately_still_counts() -> None:
    clock = Clock()
    known = KnownKeys(clock)
    assert await known.principal_of("lofte_a", found) == ANNA

    clock.now += KEEP_SECONDS - 1
    assert await known.principal_of("lofte_a", unreachable) == ANNA
    clock.now += 2
    with pytest.raises(ConnectionRefusedError):
        await known.principal_of("lofte_a", unreachable)


async def test_a_key_never_seen_or_revoked_since_is_not_let_in() -> None:
    known = KnownKeys(Clock())
    with pytest.raises(ConnectionRefusedError):
        await known.principal_of("lofte_new", unreachable)

    await known.principal_of("lofte_a", found)
    assert await known.principal_of("lofte_a", revoked) is None
    with pytest.raises(ConnectionRefusedError):
        await known.principal_of("lofte_a", unreachable)
