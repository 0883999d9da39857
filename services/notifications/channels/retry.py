"""When to try a temporarily failed delivery again: exponential backoff with full jitter.

The wait before attempt n+1 is drawn uniformly from [0, min(max_delay, base * factor**(n-1))].
Drawing from the whole range, rather than adding a little noise to a fixed delay, spreads
the retries of many notifications that failed together (a receiver that was down) instead
of sending them back in one wave. Pure: the clock and the randomness come from the caller.
"""

import math
import random
from datetime import datetime, timedelta

BASE_DELAY = timedelta(seconds=5)
FACTOR = 2.0
MAX_DELAY = timedelta(minutes=15)
GIVE_UP_AFTER = timedelta(hours=6)


def next_attempt(
    attempt: int,
    first_attempt_at: datetime,
    now: datetime,
    *,
    base: timedelta = BASE_DELAY,
    factor: float = FACTOR,
    max_delay: timedelta = MAX_DELAY,
    give_up_after: timedelta = GIVE_UP_AFTER,
    rng: random.Random,
    not_before: datetime | None = None,
) -> datetime | None:
    """When to make attempt `attempt + 1`, after `attempt` attempts failed; None to give up.

    Gives up once `give_up_after` has passed since the first attempt. A retry that would
    fall after that moment is moved to it, so there is always a last attempt at the limit.
    `not_before` is a receiver's own wish (Retry-After); when it lies past the limit, the
    delivery is given up rather than made against the receiver's request.
    """
    if attempt < 1:
        raise ValueError("attempt counts the attempts made so far, from 1")
    if base <= timedelta(0) or max_delay < base or factor < 1:
        raise ValueError("need base > 0, max_delay >= base and factor >= 1")
    for moment in (first_attempt_at, now, not_before):
        if moment is not None and moment.tzinfo is None:
            raise ValueError("times must be timezone-aware")

    give_up_at = first_attempt_at + give_up_after
    if now >= give_up_at:
        return None
    ceiling = _ceiling(attempt, base, factor, max_delay)
    when = min(now + timedelta(seconds=rng.uniform(0, ceiling)), give_up_at)
    if not_before is not None and not_before > when:
        if not_before > give_up_at:
            return None
        when = not_before
    return when


def _ceiling(attempt: int, base: timedelta, factor: float, max_delay: timedelta) -> float:
    """min(max_delay, base * factor**(attempt-1)) in seconds, without overflowing the power."""
    base_s, max_s = base.total_seconds(), max_delay.total_seconds()
    if factor == 1 or (attempt - 1) * math.log(factor) < math.log(max_s / base_s):
        return min(max_s, base_s * factor ** (attempt - 1))
    return max_s
