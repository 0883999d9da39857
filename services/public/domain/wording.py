"""The site's words in Swedish and English, and how it writes dates, numbers and ages.

The promise's own texts stay in Swedish, as the parties wrote them; only the site's words
around them change with the language.
"""

from datetime import date, datetime, timedelta
from functools import partial
from typing import Final
from zoneinfo import ZoneInfo

from services.public.domain.labels import LABELS
from services.public.domain.language import Language
from shared.contracts.kpis import Status

STATUSES: Final[dict[Language, dict[Status | None, str]]] = {
    "sv": {
        Status.ACHIEVED: "Uppfyllt",
        Status.ON_TRACK: "Enligt plan",
        Status.AT_RISK: "Risk att inte hinnas",
        Status.BEHIND: "Efter plan",
        Status.MISSED: "Inte uppfyllt",
        Status.NOT_STARTED: "Inte påbörjat",
        Status.AWAITING_DATA: "Väntar på uppgifter",
        Status.NOT_PURSUED: "Medvetet avstått",
        None: "Inga uppgifter än",
    },
    "en": {
        Status.ACHIEVED: "Achieved",
        Status.ON_TRACK: "On track",
        Status.AT_RISK: "At risk",
        Status.BEHIND: "Behind",
        Status.MISSED: "Missed",
        Status.NOT_STARTED: "Not started",
        Status.AWAITING_DATA: "Awaiting figures",
        Status.NOT_PURSUED: "Deliberately not pursued",
        None: "No figures yet",
    },
}

# A sign beside each status word, so that status is never told by colour alone.
STATUS_SIGNS: Final[dict[Status | None, str]] = {
    Status.ACHIEVED: "✓",
    Status.ON_TRACK: "●",
    Status.AT_RISK: "!",
    Status.BEHIND: "▼",
    Status.MISSED: "✕",
    Status.NOT_STARTED: "○",
    Status.AWAITING_DATA: "…",
    Status.NOT_PURSUED: "⊘",
    None: "–",
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


def status_word(status: Status | None, language: Language) -> str:
    """None: no figures were read yet."""
    return STATUSES[language][status]


def status_sign(status: Status | None) -> str:
    return STATUS_SIGNS[status]


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


def for_templates(language: Language) -> dict[str, object]:
    """The words and formats every template (the pages and the report) is rendered with."""
    return {
        "lang": language,
        "w": LABELS[language],
        "status_word": partial(status_word, language=language),
        "status_sign": status_sign,
        "category_word": partial(category_word, language=language),
        "day": partial(day, language=language),
        "month": partial(month, language=language),
        "number": partial(number, language=language),
        "percent": partial(percent, language=language),
        "age": partial(age, language=language),
        "moment": lambda value, zone: moment(value, language, zone),
    }
