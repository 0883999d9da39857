"""What every page of the site is rendered with: the promises, their last figures, the
visitor's language and the words and formats that go with it."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment

from services.public.domain import wording
from services.public.domain.language import Language, choose_language
from services.public.domain.snapshot import Snapshot
from services.public.report_figures import ReportFigures
from services.public.settings import PublicSettings
from shared.promises import Promise


@dataclass(frozen=True, slots=True)
class Site:
    settings: PublicSettings
    promises: Sequence[Promise]
    snapshot: Callable[[str], Snapshot | None]
    clock: Callable[[], datetime]
    templates: Environment
    reports: ReportFigures

    def promise(self, promise_id: str) -> Promise:
        found = next((p for p in self.promises if p.id == promise_id), None)
        if found is None:
            raise HTTPException(404, f"no promise {promise_id!r} is published here")
        return found

    @property
    def stale_after(self) -> timedelta:
        return timedelta(seconds=self.settings.stale_after_seconds)

    def page(self, request: Request, template: str, **context: Any) -> HTMLResponse:
        asked = request.query_params.get("lang")
        language = choose_language(asked, request.headers.get("accept-language"))
        other: Language = "en" if language == "sv" else "sv"
        chosen = asked == language

        def href(path: str) -> str:
            # A language picked by a link stays picked from page to page.
            return f"{path}?{urlencode({'lang': language})}" if chosen else path

        body = self.templates.get_template(template).render(
            **wording.for_templates(language),
            href=href,
            other_href=f"{request.url.path}?{urlencode({'lang': other})}",
            other_lang=other,
            now=self.clock(),
            publisher=self.settings.publisher_name,
            contact_email=self.settings.contact_email,
            **context,
        )
        return HTMLResponse(body, headers={"content-language": language, "vary": "Accept-Language"})
