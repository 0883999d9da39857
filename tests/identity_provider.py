"""Where the tests find an OpenID Connect provider, and how they sign in to it.

A configured Keycloak wins (`LOFTE_KEYCLOAK_URL`; `make test` starts one in the background
while the other tests run, so it may still be starting: it is waited for). Otherwise the
project's own `infra/bin/keycloak.sh` installs and starts one for the session and stops it
afterwards. If neither works the tests fail, saying why: they never skip.

The realms are `infra/keycloak/realms/*.json`: `lofte` with a police officer, a municipal
officer and an admin, and `other`, the same under another issuer.
"""

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).parents[1]
SCRIPT = ROOT / "infra" / "bin" / "keycloak.sh"
PASSWORD = "lofte-test-password"  # noqa: S105 - the test realm's, on loopback only
POLICE_OFFICER = "anna.polis"
MUNICIPAL_OFFICER = "erik.kommun"
ADMIN = "drift.admin"
# Ready in a minute on a quiet machine; a busy two-core machine has taken four.
START_SECONDS = 600.0


def wait_until_serving(url: str, within: float = START_SECONDS) -> None:
    discovery = f"{url}/realms/lofte/.well-known/openid-configuration"
    deadline = time.monotonic() + within
    while True:
        try:
            if httpx.get(discovery, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"Keycloak at {url} did not answer {discovery} within {within:.0f}s "
                "(see .run/logs/keycloak.log)"
            )
        time.sleep(1)  # a server starting up, polled as infra/bin/lib.sh's wait_until does


@contextlib.contextmanager
def keycloak_url() -> Iterator[str]:
    configured = os.environ.get("LOFTE_KEYCLOAK_URL")
    if configured:
        wait_until_serving(configured)
        yield configured
        return
    running = subprocess.run([SCRIPT, "status"], capture_output=True, check=False)
    if running.returncode != 0:
        started = subprocess.run([SCRIPT, "start"], capture_output=True, text=True, check=False)
        if started.returncode != 0:
            raise RuntimeError(
                f"no Keycloak: set LOFTE_KEYCLOAK_URL or let {SCRIPT} start one; it said:\n"
                f"{started.stderr[-3000:]}"
            )
    url = subprocess.run([SCRIPT, "url"], capture_output=True, text=True, check=True)
    try:
        yield url.stdout.strip()
    finally:
        if running.returncode != 0:
            subprocess.run([SCRIPT, "stop"], capture_output=True, check=False)


async def sign_in(
    url: str, username: str, *, realm: str = "lofte", client: str = "lofte-cli"
) -> str:
    """An access token for `username`, by the resource owner password grant (the test
    realm's clients allow it; people sign in through the provider's own pages)."""
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            f"{url}/realms/{realm}/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": client,
                "username": username,
                "password": PASSWORD,
                "scope": "openid",
            },
        )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token
