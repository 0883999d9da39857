"""`lofte report`: a promise's follow-up report for a year or a half year.

It reads the KPIs from the metrics service as the public site does (`METRICS_URL`,
`METRICS_API_KEY`), as they stood at the end of the period, with what the organisations said
about it and retracted until now. Under `make up` no key needs to be given: the site's own
(`public=` in `.run/data/staff-keys`) is used.
"""

import asyncio
import os
import sys
from argparse import Namespace
from datetime import UTC, datetime
from pathlib import Path

from services.public.domain.report_period import ReportPeriod, parse_period
from services.public.kpi_source import KpiSource, KpiUnavailable, metrics_client
from services.public.report import render_report
from services.public.settings import PublicSettings
from shared.cli.registry import Commands, add_command
from shared.contracts.kpis import PromiseKpisView
from shared.promises import Promise, deployed_promises
from shared.settings import Environment


def register(commands: Commands) -> None:
    command = add_command(
        commands,
        "report",
        "write a promise's follow-up report for a year or a half year (PDF, HTML or CSV)",
        run_report,
        description="Per focus area and commitment: target against outcome and status, the "
        "occasions missed with their dates; every outcome indicator against its comparison by "
        "category, with the baseline the promise published. The figures are the metrics "
        "service's KPIs as they stood at the end of the period, with the explanations published "
        "and the retractions made until the report is made (METRICS_URL, METRICS_API_KEY).",
    )
    command.add_argument("promise", help="the promise's id, e.g. lund-2017")
    command.add_argument(
        "--period", required=True, help="a year (2017) or a half year (2017H1, 2017H2)"
    )
    command.add_argument("--format", choices=("pdf", "html", "csv"), default="pdf")
    command.add_argument("--language", choices=("sv", "en"), default="sv")
    command.add_argument(
        "-o", "--output", type=Path, help="the file to write (default: standard output)"
    )


def _development_key() -> str | None:
    """The public site's key that `make up` made, for a developer's machine."""
    keys = Path(os.environ.get("LOFTE_RUN_DIR", ".run")) / "data" / "staff-keys"
    try:
        lines = keys.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    return next((line.partition("=")[2] for line in lines if line.startswith("public=")), None)


async def _kpis(
    settings: PublicSettings, promise: Promise, period: ReportPeriod
) -> PromiseKpisView:
    key = settings.metrics_api_key.get_secret_value() if settings.metrics_api_key else None
    if key is None and settings.environment is Environment.DEVELOPMENT:
        key = _development_key()
    now = datetime.now(UTC)
    at = period.evaluated_at(promise.zone, now)
    async with metrics_client(settings.metrics_url, key, timeout=60) as client:
        return await KpiSource(client).promise_kpis(promise.id, at, period.last, known_at=now)


def run_report(args: Namespace) -> int:
    if args.format == "pdf" and args.output is None and sys.stdout.isatty():
        print("a PDF is not for the terminal: give a file with -o", file=sys.stderr)
        return 2
    settings = PublicSettings()
    try:
        period = parse_period(args.period)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    promises = deployed_promises(settings.promise_files, settings.promises_dir)
    promise = next((p for p in promises if p.id == args.promise), None)
    if promise is None:
        known = ", ".join(p.id for p in promises)
        print(f"no promise {args.promise!r} is loaded (known: {known})", file=sys.stderr)
        return 1
    try:
        kpis = asyncio.run(_kpis(settings, promise, period))
    except KpiUnavailable as error:
        print(f"the KPIs could not be read from {settings.metrics_url}: {error}", file=sys.stderr)
        return 1
    made_at = datetime.now(UTC)
    content = render_report(
        promise, kpis, period, made_at, settings.publisher_name, args.format, args.language
    )
    if args.output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    else:
        args.output.write_bytes(content)
        print(f"wrote {args.output} ({len(content):,} bytes)", file=sys.stderr)
    return 0
