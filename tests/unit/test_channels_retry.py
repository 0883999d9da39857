import random
from datetime import UTC, datetime, timedelta

import pytest

from services.notifications.channels.retry import next_attempt

FIRST = datetime(2017, 4, 10, 8, 0, tzinfo=UTC)


def rng() -> random.Random:
    return random.Random(2017)


def delay(attempt: int, *, after: timedelta = timedelta(0), seed: int = 2017) -> timedelta:
    now = FIRST + after
    when = next_attempt(attempt, FIRST, now, rng=random.Random(seed))
    assert when is not None
    return when - now


@pytest.mark.parametrize(
    ("attempt", "ceiling"),
    [(1, 5), (2, 10), (3, 20), (4, 40), (8, 640), (9, 900), (10, 900), (10_000, 900)],
)
def test_the_wait_is_drawn_below_an_exponential_ceiling(attempt: int, ceiling: float) -> None:
    waits = [delay(attempt, seed=seed).total_seconds() for seed in range(200)]

    assert all(0 <= wait <= ceiling for wait in waits)
    # Full jitter: the draws spread over the whole range, not around its top.
    assert min(waits) < ceiling * 0.1
    assert max(waits) > ceiling * 0.9


def test_the_same_random_generator_gives_the_same_schedule() -> None:
    assert delay(3) == delay(3)
    assert next_attempt(3, FIRST, FIRST, rng=rng()) == next_attempt(3, FIRST, FIRST, rng=rng())
    assert delay(3, seed=1) != delay(3, seed=2)


def test_gives_up_once_the_time_has_passed() -> None:
    limit = FIRST + timedelta(hours=6)

    assert next_attempt(40, FIRST, limit, rng=rng()) is None
    assert next_attempt(40, FIRST, limit + timedelta(days=1), rng=rng()) is None
    ten_minutes = timedelta(minutes=10)
    assert next_attempt(2, FIRST, FIRST + ten_minutes, give_up_after=ten_minutes, rng=rng()) is None


def test_a_retry_past_the_limit_moves_to_the_limit() -> None:
    now = FIRST + timedelta(hours=6) - timedelta(seconds=1)

    waits = {next_attempt(30, FIRST, now, rng=random.Random(seed)) for seed in range(50)}

    assert max(w for w in waits if w is not None) == FIRST + timedelta(hours=6)
    assert None not in waits


def test_the_parameters_shape_the_schedule() -> None:
    when = next_attempt(
        3,
        FIRST,
        FIRST,
        base=timedelta(seconds=1),
        factor=3,
        max_delay=timedelta(seconds=5),
        rng=rng(),
    )

    assert when is not None
    assert FIRST <= when <= FIRST + timedelta(seconds=5)


def test_a_receivers_retry_after_is_respected_within_the_limit() -> None:
    asked = FIRST + timedelta(minutes=30)

    assert next_attempt(1, FIRST, FIRST, rng=rng(), not_before=asked) == asked
    assert next_attempt(1, FIRST, FIRST, rng=rng(), not_before=FIRST + timedelta(hours=7)) is None
    early = next_attempt(1, FIRST, FIRST, rng=rng(), not_before=FIRST - timedelta(hours=1))
    assert early is not None
    assert early <= FIRST + timedelta(seconds=5)


def test_nonsense_is_refused() -> None:
    with pytest.raises(ValueError, match="from 1"):
        next_attempt(0, FIRST, FIRST, rng=rng())
    with pytest.raises(ValueError, match="timezone-aware"):
        next_attempt(1, FIRST.replace(tzinfo=None), FIRST, rng=rng())
    with pytest.raises(ValueError, match="factor"):
        next_attempt(1, FIRST, FIRST, factor=0.5, rng=rng())
