"""Looking for secrets in what a process wrote: as they are, and in the encodings a log line
or a protocol would carry them in (base64 at any alignment, URL-encoded)."""

import base64
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import quote, quote_plus


def _base64_cores(raw: bytes, *, urlsafe: bool) -> Iterator[bytes]:
    """What base64 of `raw` looks like inside any longer base64 text: for each of the three
    alignments, the characters that depend on `raw` alone."""
    for offset in range(3):
        padded = bytes(offset) + raw
        encoded = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(padded)
        start = 4 if offset else 0  # the first quartet mixes in bytes before the secret
        whole = len(padded) - len(padded) % 3  # a last partial quartet depends on what follows
        yield encoded[start : whole // 3 * 4]


def encodings(secret: str) -> dict[str, bytes]:
    """Each form of `secret` worth looking for, by name."""
    raw = secret.encode()
    forms = {"as is": raw, "url-encoded": quote(secret, safe="").encode()}
    forms["form-encoded"] = quote_plus(secret).encode()
    for urlsafe in (False, True):
        for alignment, core in enumerate(_base64_cores(raw, urlsafe=urlsafe)):
            forms[f"base64{'url' if urlsafe else ''} at alignment {alignment}"] = core
    return forms


def leaks(secrets: Mapping[str, str], files: list[Path]) -> list[str]:
    """Where any form of any secret appears in `files`, one line per finding."""
    found = []
    for path in files:
        content = path.read_bytes()
        for name, secret in secrets.items():
            for form, needle in encodings(secret).items():
                if needle in content:
                    found.append(f"{path.name}: {name} ({form})")
    return found
