"""What the people who follow a promise read, taken out of what the services serve them: the
text of one commitment on the public page, the rows of a report's CSV, the lines of one
section of a digest mail."""

import csv
import html
import io
import re

import httpx

from tests.notification_receivers import Inbox


async def text_at(url: str) -> str:
    """The body at `url`, as a Swedish reader's browser gets it."""
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.get(url, headers={"accept-language": "sv"})
        response.raise_for_status()
        return response.text


def commitment_on_page(page: str, commitment: str) -> str:
    """The words of one commitment's part of a page (its tags gone, spaces collapsed)."""
    found = re.search(
        rf'<article class="commitment" aria-labelledby="c-{commitment}">(.*?)</article>',
        page,
        re.DOTALL,
    )
    assert found, f"{commitment} is not on the page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found[1])).split())


def rows_of(table: str, commitment: str) -> list[dict[str, str]]:
    """The CSV's rows about one commitment: its figures, then what was said about it."""
    return [row for row in csv.DictReader(io.StringIO(table)) if row["id"] == commitment]


async def digest_mailed_to(inbox: Inbox, address: str) -> str | None:
    """The text of the weekly digest mailed to `address`, once it has come."""
    digests = [m for m in inbox.to(address) if m.subject.startswith("Löfte: lägesbild")]
    assert len(digests) <= 1, "a digest is made once a week"
    return digests[0].text if digests else None


def digest_section(text: str, heading: str) -> list[str]:
    """The lines of the digest's section under `heading`, without the links."""
    lines = text.splitlines()
    start = lines.index(heading) + 1
    section: list[str] = []
    for line in lines[start:]:
        if not line.strip():
            continue
        if not line.startswith(("- ", "  ")):  # the next heading, or the mail's footer
            break
        if "://" not in line:
            section.append(line.rstrip())
    return section
