"""Words and number formats the templates share, in Swedish and English.

Kept in Python rather than in the templates so that every kind, and the Teams card built
in code, names a status the same way. Months are spelled out here instead of through
`locale`, which is process-wide and may not have Swedish installed.
"""

from collections.abc import Mapping
from datetime import date

from services.notifications.domain.notifications import Severity
from services.notifications.domain.views import Language
from shared.contracts.kpi_events import Status

STATUS_NAMES: Mapping[Language, Mapping[Status, str]] = {
    "sv": {
        Status.ACHIEVED: "uppnått",
        Status.ON_TRACK: "i fas",
        Status.AT_RISK: "riskerar att missas",
        Status.BEHIND: "efter",
        Status.MISSED: "missat",
        Status.NOT_STARTED: "ej påbörjat",
        Status.AWAITING_DATA: "inväntar data",
        Status.NOT_PURSUED: "medvetet avstått",
    },
    "en": {
        Status.ACHIEVED: Status.ACHIEVED,
        Status.ON_TRACK: "on track",
        Status.AT_RISK: "at risk of being missed",
        Status.BEHIND: Status.BEHIND,
        Status.MISSED: Status.MISSED,
        Status.NOT_STARTED: "not started",
        Status.AWAITING_DATA: "awaiting data",
        Status.NOT_PURSUED: "deliberately not pursued",
    },
}

SEVERITY_NAMES: Mapping[Language, Mapping[Severity, str]] = {
    "sv": {"info": "information", "warning": "varning", "critical": "kritisk"},
    "en": {"info": "information", "warning": "warning", "critical": "critical"},
}

# Coverage dimensions the shipped promises use; an unknown one is shown by its key.
DIMENSION_NAMES: Mapping[Language, Mapping[str, str]] = {
    "sv": {
        "organisation": "organisation",
        "place": "mötesplats",
        "month": "månad",
        "school": "skola",
        "class": "klass",
        "holiday": "lov",
    },
    "en": {
        "organisation": "organisation",
        "place": "meeting place",
        "month": "month",
        "school": "school",
        "class": "class",
        "holiday": "school holiday",
    },
}

LABELS: Mapping[Language, Mapping[str, str]] = {
    "sv": {
        "organisation": "Organisation",
        "promise": "Löfte",
        "status": "Status",
        "severity": "Allvarlighetsgrad",
        "dashboard": "Öppna i Grafana",
        "acknowledge": "Kvittera",
        "digest_behind": "Efter eller riskerar att missas",
        "digest_due": "Att göra den här veckan",
    },
    "en": {
        "organisation": "Organisation",
        "promise": "Promise",
        "status": "Status",
        "severity": "Severity",
        "dashboard": "Open in Grafana",
        "acknowledge": "Acknowledge",
        "digest_behind": "Behind or at risk",
        "digest_due": "Due this week",
    },
}

# fmt: off
_MONTHS: Mapping[Language, tuple[str, ...]] = {
    "sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
           "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
# fmt: on


def status_name(status: Status, language: Language) -> str:
    return STATUS_NAMES[language][status]


def dimension_name(key: str, language: Language) -> str:
    return DIMENSION_NAMES[language].get(key, key)


def format_dimensions(dimensions: Mapping[str, str], language: Language) -> str:
    return ", ".join(
        f"{dimension_name(key, language)} {value}" for key, value in dimensions.items()
    )


def format_date(day: date, language: Language) -> str:
    return f"{day.day} {_MONTHS[language][day.month - 1]} {day.year}"


def format_number(value: float, language: Language) -> str:
    """Whole numbers without decimals, others with one; Swedish writes a decimal comma."""
    rounded = round(float(value), 1) or 0.0  # no "-0" for a tiny negative
    text = f"{rounded:.0f}" if rounded.is_integer() else f"{rounded:.1f}"
    return text.replace(".", ",") if language == "sv" else text


def format_change(ratio: float, language: Language) -> str:
    """A relative change as a signed percentage: +11,8 % in Swedish, +11.8% in English."""
    number = format_number(abs(ratio) * 100, language)
    sign = "+" if ratio > 0 else "-" if ratio < 0 else "±"
    return f"{sign}{number} %" if language == "sv" else f"{sign}{number}%"


def in_days(days: int, language: Language) -> str:
    if language == "sv":
        return "i dag" if days == 0 else "om 1 dag" if days == 1 else f"om {days} dagar"
    return "today" if days == 0 else "in 1 day" if days == 1 else f"in {days} days"
