"""The log scan of `test_secrets_never_logged` finds a secret however a line carries it."""

import base64
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from tests.secret_scan import leaks

SECRET = "pw-Zq8/Lr+3 Nx=Tf?7&Kd"  # noqa: S105 - characters every encoding changes


@pytest.mark.parametrize(
    "line",
    [
        f"connecting to postgresql://lofte:{SECRET}@db/lofte".encode(),
        f"GET /v1/ack?{urlencode({'token': SECRET})}".encode(),
        f"url={quote(SECRET, safe='')}".encode(),
        b"AUTH PLAIN " + base64.b64encode(b"\0relay\0" + SECRET.encode()),
        b"AUTH PLAIN " + base64.b64encode(b"\0relay-user\0" + SECRET.encode()),
        b"AUTH PLAIN " + base64.b64encode(b"\0relay-users\0" + SECRET.encode() + b"\0"),
        b"token=" + base64.urlsafe_b64encode(b'{"k":"' + SECRET.encode() + b'"}').rstrip(b"="),
    ],
    ids=["as-is", "form-encoded", "url-encoded", "base64-0", "base64-1", "base64-2", "base64url"],
)
def test_a_secret_is_found_in_any_of_its_encodings(tmp_path: Path, line: bytes) -> None:
    log = tmp_path / "service.log"
    log.write_bytes(b"before\n" + line + b"\nafter\n")

    assert leaks({"the password": SECRET}, [log])


def test_a_log_without_the_secret_is_clean(tmp_path: Path) -> None:
    log = tmp_path / "service.log"
    log.write_bytes(
        b"connecting to postgresql://lofte:***@db/lofte\n" + base64.b64encode(b"x" * 99)
    )

    assert leaks({"the password": SECRET}, [log]) == []
