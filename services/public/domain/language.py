"""Which language a visitor gets: Swedish unless they ask for English.

1. `?lang=sv` or `?lang=en` decides.
2. Otherwise the Accept-Language header, by its q-values: the first of Swedish and English
   that the browser prefers (`en-GB` counts as English, `sv-FI` as Swedish).
3. Otherwise Swedish, the language the promise was made in.
"""

from typing import Literal, get_args

Language = Literal["sv", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT: Language = "sv"
_KNOWN: dict[str, Language] = {language: language for language in LANGUAGES}


def _ranges(header: str) -> list[tuple[float, int, str]]:
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag:
            ranked.append((-quality, position, tag.strip().lower()))
    return sorted(ranked)


def choose_language(asked: str | None, accept_language: str | None) -> Language:
    if asked in _KNOWN:
        return _KNOWN[asked]
    for negative_quality, _, tag in _ranges(accept_language or ""):
        primary = tag.split("-")[0]
        if negative_quality < 0 and primary in _KNOWN:
            return _KNOWN[primary]
    return DEFAULT
