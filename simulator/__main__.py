"""Run the partner simulator against the activities service's ingest API.

By default it plays this year at a year in ten minutes (catching up with today, then going on
in real time), after sending last year at once as the history the outcomes compare with:

    python -m simulator --keys .run/data/simulator-keys
    python -m simulator --keys KEYS --start 2017-03-01 --history-days 0   # Lund's first year
    python -m simulator --keys KEYS --backfill                            # all at once, then stop
"""

import argparse
import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from simulator.clock import SimulatedClock
from simulator.sender import Sender, read_keys
from simulator.stream import LUND, events_between

log = logging.getLogger("simulator")

A_YEAR_IN_TEN_MINUTES = 365 * 24 * 3600 / 600
REPORT_EVERY_SECONDS = 15


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8001", help="activities service")
    parser.add_argument("--seed", type=int, default=2017, help="same seed, same events")
    parser.add_argument(
        "--start",
        type=datetime.fromisoformat,
        default=datetime(datetime.now(LUND).year, 1, 1, tzinfo=LUND),
        help="simulated start time (ISO 8601); default: 1 January this year",
    )
    parser.add_argument(
        "--history-days",
        type=int,
        default=365,
        help="days before the start sent at once first (default 365: last year, which "
        "outcomes are compared with)",
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=A_YEAR_IN_TEN_MINUTES,
        help="simulated seconds per real second (default: a year in ten minutes)",
    )
    parser.add_argument(
        "--backfill", action="store_true", help="send everything from the start to now, then stop"
    )
    parser.add_argument("--tick", type=float, default=1.0, help="seconds between sends")
    parser.add_argument(
        "--keys",
        type=Path,
        required=True,
        help="file of organisation=api-key lines (make up writes .run/simulator-keys)",
    )
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> None:
    start = args.start if args.start.tzinfo else args.start.replace(tzinfo=LUND)
    async with httpx.AsyncClient(base_url=args.url, timeout=10) as client:
        sender = Sender(client, read_keys(args.keys))
        if args.history_days > 0:
            await sender.send(
                events_between(start - timedelta(days=args.history_days), start, args.seed)
            )
            log.info("history sent: %s", sender.summary())
        if args.backfill:
            await sender.send(events_between(start, datetime.now(UTC), args.seed))
            log.info("backfill done: %s", sender.summary())
            return
        clock = SimulatedClock(start, args.speed)
        sent_until = start
        reported_at = 0.0
        while True:
            now = clock.now()
            await sender.send(events_between(sent_until, now, args.seed))
            sent_until = now
            if time.monotonic() - reported_at >= REPORT_EVERY_SECONDS:
                reported_at = time.monotonic()
                log.info("simulated time %s: %s", now.astimezone(LUND).date(), sender.summary())
            await asyncio.sleep(args.tick)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s simulator %(message)s")
    # One line per request would drown the summary lines and the refusals worth reading.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(parse_args()))


if __name__ == "__main__":
    main()
