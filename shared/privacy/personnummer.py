"""Finds Swedish personal identity numbers (personnummer, samordningsnummer) in text.

Accepted spellings: with or without century (YYMMDD / YYYYMMDD), with `-`, `+` or no
separator before the last four digits. A samordningsnummer adds 60 to the day. Only numbers
whose date is plausible and whose Luhn check digit is right count, so an ordinary 10-digit
reference number is rarely mistaken for one, and only numbers that are not part of a
hexadecimal token, so that event ids (UUIDs) are not either.
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

# Digits run together with hex digits are part of a hexadecimal token, a UUID most often:
# about one random UUID in nine thousand holds a run that reads as a samordningsnummer.
# A number a person wrote stands apart, or is followed by a letter of the language
# ("850709-9805s"), which the boundary still allows.
_PATTERN = re.compile(
    r"(?<![0-9A-Fa-f])(?:(?:18|19|20)(?=\d{6}))?(?P<date>\d{6})[-+ ]?(?P<serial>\d{4})"
    r"(?![0-9A-Fa-f])"
)


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _plausible_date(yymmdd: str) -> bool:
    month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
    if day > 60:  # samordningsnummer
        day -= 60
    return 1 <= month <= 12 and 1 <= day <= 31


def _is_personnummer(match: re.Match[str]) -> bool:
    date, serial = match["date"], match["serial"]
    return _plausible_date(date) and luhn_ok(date + serial)


def contains_personnummer(text: str) -> bool:
    return any(_is_personnummer(match) for match in _PATTERN.finditer(text))


def redact(text: str, replacement: str = "<personnummer>") -> str:
    """`text` with every personal identity number in it replaced, for anything echoed back."""
    return _PATTERN.sub(lambda m: replacement if _is_personnummer(m) else m[0], text)


def fields_with_personnummer(value: Any, path: str = "") -> Iterator[str]:
    """The paths of every string inside `value` (nested objects and lists) that carries one."""
    if isinstance(value, str):
        if contains_personnummer(value):
            yield path
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from fields_with_personnummer(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        for index, item in enumerate(value):
            yield from fields_with_personnummer(item, f"{path}[{index}]")


# A JSON escape, and the characters the pattern tells apart from all others: an escape that
# stands for one of them could make or break a number, any other stands for "something else".
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|.)", re.DOTALL)
_TOLD_APART = frozenset("0123456789+- ABCDEFabcdef")


def text_is_clean(raw: bytes) -> bool:
    """Whether a JSON document's text shows no personal identity number anywhere, so that no
    string inside it can carry one: one pass over a whole batch instead of one per field.

    Every escape is read as a character the pattern does not tell apart from the quote that
    ends a string, which is what it stands for, unless it stands for a digit, a separator or a
    hex letter: a text with such an escape is not vouched for; nor is one that is not UTF-8.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if "\\" in text:
        hiding = False

        def neutral(escape: re.Match[str]) -> str:
            nonlocal hiding
            if escape[1] is not None and chr(int(escape[1], 16)) in _TOLD_APART:
                hiding = True
            return '"'

        text = _ESCAPE.sub(neutral, text)
        if hiding:
            return False
    return not contains_personnummer(text)
