"""Keys found valid are remembered: answered without the database while every change to keys
is heard, asked again once a change may have been missed, and let in while the database is
unreachable only if found valid lately."""

import pytest

from shared.access import Principal, Role, keys
from shared.access.known_keys import KEEP_SECONDS, KnownKeys

ANNA = Principal("key 0123456789abcdef (anna)", Role.STAFF, "polisen", "key")
KEY = keys.issue()
OTHER = keys.issue()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Database:
    """What the key store answers, and how often it was asked."""

    def __init__(self, answer: Principal | None = ANNA) -> None:
        self.answer = answer
        self.asked = 0
        self.reachable = True

    async def __call__(self) -> Principal | None:
        self.asked += 1
        if not self.reachable:
            raise ConnectionRefusedError("the database is away")
        return self.answer


def hearing() -> KnownKeys:
    known = KnownKeys(Clock())
    known.hearing(True)
    return known


async def test_while_changes_are_heard_a_key_found_valid_is_not_asked_for_again() -> None:
    known, database = hearing(), Database()
    for _ in range(3):
        assert await known.principal_of(KEY.plaintext, database) == ANNA
    assert database.asked == 1


async def test_a_key_told_changed_is_asked_for_again_and_refused_once_revoked() -> None:
    known, database = hearing(), Database()
    await known.principal_of(KEY.plaintext, database)

    known.forget(KEY.key_id)
    database.answer = None
    assert await known.principal_of(KEY.plaintext, database) is None
    assert await known.principal_of(KEY.plaintext, database) is None
    assert database.asked == 3


async def test_a_change_told_while_the_database_answered_is_not_remembered_past_it() -> None:
    known = hearing()

    async def answered_as_the_key_was_revoked() -> Principal | None:
        known.forget(KEY.key_id)  # the notice of the revocation came in meanwhile
        return ANNA

    assert await known.principal_of(KEY.plaintext, answered_as_the_key_was_revoked) == ANNA
    database = Database(answer=None)
    assert await known.principal_of(KEY.plaintext, database) is None


async def test_once_changes_may_have_been_missed_every_key_is_asked_for_again() -> None:
    known, database = hearing(), Database()
    await known.principal_of(KEY.plaintext, database)

    known.hearing(False)
    await known.principal_of(KEY.plaintext, database)
    await known.principal_of(KEY.plaintext, database)
    assert database.asked == 3  # not trusted while not listening
    known.hearing(True)
    await known.principal_of(KEY.plaintext, database)
    await known.principal_of(KEY.plaintext, database)
    assert database.asked == 4  # found again once listening, then trusted


async def test_a_key_not_shaped_like_one_and_a_refused_key_are_not_remembered() -> None:
    known = hearing()
    unknown = Database(answer=None)
    await known.principal_of(OTHER.plaintext, unknown)
    await known.principal_of(OTHER.plaintext, unknown)
    odd = Database()
    await known.principal_of("lofte_not-a-key", odd)
    await known.principal_of("lofte_not-a-key", odd)
    assert (unknown.asked, odd.asked) == (2, 2)


async def test_while_the_database_is_away_a_key_found_valid_lately_still_counts() -> None:
    clock = Clock()
    known, database = KnownKeys(clock), Database()
    assert await known.principal_of(KEY.plaintext, database) == ANNA

    database.reachable = False
    clock.now += KEEP_SECONDS - 1
    assert await known.principal_of(KEY.plaintext, database) == ANNA
    clock.now += 2
    with pytest.raises(ConnectionRefusedError):
        await known.principal_of(KEY.plaintext, database)


async def test_a_key_never_seen_or_revoked_since_is_not_let_in_while_the_database_is_away() -> None:
    known, database = KnownKeys(Clock()), Database()
    database.reachable = False
    with pytest.raises(ConnectionRefusedError):
        await known.principal_of(OTHER.plaintext, database)

    database.reachable, database.answer = True, ANNA
    await known.principal_of(KEY.plaintext, database)
    database.answer = None
    assert await known.principal_of(KEY.plaintext, database) is None
    database.reachable = False
    with pytest.raises(ConnectionRefusedError):
        await known.principal_of(KEY.plaintext, database)
