"""The follow-up report of a promise for a period, as HTML, PDF or CSV.

The same view of the figures as the site's pages (`domain.progress`), laid out for a
municipality to publish as it is: per focus area and commitment, target against outcome,
the occasions missed with their dates, and every outcome indicator against its comparison
by category, with the baseline the promise published. The PDF is the HTML laid out by
WeasyPrint.
"""

from datetime import datetime
from pathlib import Path
from typing import Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from services.public.domain import wording
from services.public.domain.language import Language
from services.public.domain.open_data import promise_csv
from services.public.domain.progress import progress
from services.public.domain.report_period import ReportPeriod
from services.public.domain.snapshot import Snapshot
from shared.contracts.kpis import PromiseKpisView
from shared.promises import Promise

TEMPLATES = Path(__file__).parent / "templates"
Format = Literal["pdf", "html", "csv"]


def report_html(
    promise: Promise,
    kpis: PromiseKpisView,
    period: ReportPeriod,
    made_at: datetime,
    publisher: str,
    language: Language = "sv",
) -> str:
    shown = progress(promise, Snapshot(promise.id, made_at, kpis))
    templates = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined
    )
    return templates.get_template("report.html").render(
        **wording.for_templates(language),
        p=shown,
        period=period,
        zone=promise.zone,
        made_at=made_at,
        publisher=publisher,
        stylesheet=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
    )


def render_report(
    promise: Promise,
    kpis: PromiseKpisView,
    period: ReportPeriod,
    made_at: datetime,
    publisher: str,
    form: Format,
    language: Language = "sv",
) -> bytes:
    if form == "csv":
        return promise_csv(progress(promise, Snapshot(promise.id, made_at, kpis))).encode()
    html = report_html(promise, kpis, period, made_at, publisher, language)
    if form == "html":
        return html.encode()
    # Imported here: it loads Pango, which only the PDF needs.
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf
