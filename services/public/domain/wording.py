"""The site's words in Swedish and English, and how it writes dates, numbers and ages.

The promise's own texts stay in Swedish, as the parties wrote them; only the site's words
around them change with the language.
"""

from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from services.public.domain.language import Language

STATUSES: Final[dict[Language, dict[str, str]]] = {
    "sv": {
        "achieved": "Uppfyllt",
        "on-track": "Enligt plan",
        "at-risk": "Risk att inte hinnas",
        "behind": "Efter plan",
        "missed": "Inte uppfyllt",
        "not-started": "Inte påbörjat",
        "awaiting-data": "Väntar på uppgifter",
        "not-pursued": "Medvetet avstått",
        "unknown": "Inga uppgifter än",
    },
    "en": {
        "achieved": "Achieved",
        "on-track": "On track",
        "at-risk": "At risk",
        "behind": "Behind",
        "missed": "Missed",
        "not-started": "Not started",
        "awaiting-data": "Awaiting figures",
        "not-pursued": "Deliberately not pursued",
        "unknown": "No figures yet",
    },
}

# A sign beside each status word, so that status is never told by colour alone.
STATUS_SIGNS: Final[dict[str, str]] = {
    "achieved": "✓",
    "on-track": "●",
    "at-risk": "!",
    "behind": "▼",
    "missed": "✕",
    "not-started": "○",
    "awaiting-data": "…",
    "not-pursued": "⊘",
    "unknown": "–",
}

CATEGORIES: Final[dict[Language, dict[str, str]]] = {
    "sv": {
        "narkotika.bruk": "Bruk",
        "narkotika.innehav": "Innehav",
        "narkotika.overlatelse": "Överlåtelse",
        "narkotika.doping": "Dopning",
        "narkotika.ospecificerat": "Ospecificerat",
        "skadegorelse": "Skadegörelse",
        "skadegorelse.klotter": "Klotter",
    },
    "en": {
        "narkotika.bruk": "Use",
        "narkotika.innehav": "Possession",
        "narkotika.overlatelse": "Supply",
        "narkotika.doping": "Doping",
        "narkotika.ospecificerat": "Not classified",
        "skadegorelse": "Vandalism",
        "skadegorelse.klotter": "Graffiti",
    },
}

_MONTHS: Final[dict[Language, tuple[str, ...]]] = {
    "sv": (
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def status_word(status: str | None, language: Language) -> str:
    words = STATUSES[language]
    return words.get(status or "unknown", status or words["unknown"])


def status_sign(status: str | None) -> str:
    return STATUS_SIGNS.get(status or "unknown", "–")


def category_word(category: str, language: Language) -> str:
    return CATEGORIES[language].get(category, category)


def day(value: date, language: Language) -> str:
    """`1 mars 2017` / `1 March 2017`."""
    return f"{value.day} {_MONTHS[language][value.month - 1]} {value.year}"


def month(value: date, language: Language) -> str:
    """`januari 2026` / `January 2026`."""
    return f"{_MONTHS[language][value.month - 1]} {value.year}"


def moment(value: datetime, language: Language, zone: ZoneInfo) -> str:
    """`1 mars 2017 kl. 18:30` / `1 March 2017 at 18:30`, in the promise's time zone."""
    local = value.astimezone(zone)
    joint = "kl." if language == "sv" else "at"
    return f"{day(local.date(), language)} {joint} {local:%H:%M}"


def number(value: float | None, language: Language, decimals: int = 0) -> str:
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    # Swedish writes 1 234,5: a (narrow, unbreakable) space between thousands, a comma.
    return text.replace(",", "\u202f").replace(".", ",") if language == "sv" else text


def percent(ratio: float | None, language: Language, signed: bool = False) -> str:
    if ratio is None:
        return "–"
    # A change under ten percent keeps a decimal: +0 % would hide that it moved at all.
    shown = number(abs(ratio) * 100, language, decimals=1 if abs(ratio) < 0.1 else 0)
    sign = ("+" if ratio > 0 else "−" if ratio < 0 else "±") if signed else ""
    return f"{sign}{shown} %" if language == "sv" else f"{sign}{shown}%"


def age(elapsed: timedelta, language: Language) -> str:
    """How long ago, in whole units: `för 3 minuter sedan` / `3 minutes ago`."""
    seconds = int(elapsed.total_seconds())
    units = (
        (86_400, ("dag", "dagar"), ("day", "days")),
        (3_600, ("timme", "timmar"), ("hour", "hours")),
        (60, ("minut", "minuter"), ("minute", "minutes")),
    )
    for size, swedish, english in units:
        if seconds >= size:
            count = seconds // size
            names = swedish if language == "sv" else english
            name = names[0] if count == 1 else names[1]
            return f"för {count} {name} sedan" if language == "sv" else f"{count} {name} ago"
    return "nyss" if language == "sv" else "just now"
