"""OpenID Connect access tokens: checked with PyJWT against the provider's published keys.

The signature (a key of the provider's JWKS, an allowed algorithm), the issuer, the audience
and the lifetime (`exp`, `nbf`) are checked; then the organisation, role and name are read
from the configured claims. PyJWT fetches the JWKS over blocking HTTP, so that part runs in
a thread; it caches the keys and fetches again when a token names a key it does not know
(the provider rotated its keys).
"""

import asyncio
from typing import Any

import httpx
import jwt

from shared.access import RANKED, Principal, Role
from shared.access.settings import AccessSettings


class InvalidToken(Exception):
    """Not a token of our provider for us, or no longer valid: 401."""


class NoRights(Exception):
    """A valid token that carries no Löfte role (or no organisation for one): 403."""


class ProviderUnavailable(Exception):
    """The provider's keys could not be fetched: 503, the token may well be good."""


class TokenVerifier:
    def __init__(self, settings: AccessSettings) -> None:
        if not settings.oidc_issuer:
            raise ValueError("a token verifier needs OIDC_ISSUER")
        self._settings = settings
        self._issuer = settings.oidc_issuer
        self._jwks: jwt.PyJWKClient | None = None
        self._lock = asyncio.Lock()

    async def principal(self, token: str) -> Principal:
        jwks = await self._client()
        try:
            key = await asyncio.to_thread(jwks.get_signing_key_from_jwt, token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=list(self._settings.oidc_algorithms),
                audience=self._settings.oidc_audience,
                issuer=self._issuer,
                leeway=self._settings.oidc_leeway_seconds,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWKClientConnectionError as error:
            raise ProviderUnavailable(str(error)) from None
        except (jwt.InvalidTokenError, jwt.PyJWKClientError) as error:
            raise InvalidToken(str(error)) from None
        return self._principal(claims)

    def _principal(self, claims: dict[str, Any]) -> Principal:
        named = claim(claims, self._settings.oidc_role_claim)
        names = {named} if isinstance(named, str) else set(named or ())
        roles = [role for role in RANKED if role.value in names]
        if not roles:
            raise NoRights(f"the token carries no Löfte role in {self._settings.oidc_role_claim}")
        role = roles[-1]
        organisation = claim(claims, self._settings.oidc_organisation_claim)
        if isinstance(organisation, list) and len(organisation) == 1:
            organisation = organisation[0]
        if not isinstance(organisation, str) or not organisation:
            organisation = None
        if organisation is None and role is not Role.ADMIN:
            raise NoRights(
                f"the token names no organisation in {self._settings.oidc_organisation_claim}"
            )
        name = claim(claims, self._settings.oidc_name_claim)
        return Principal(str(name or claims["sub"]), role, organisation, "token")

    async def _client(self) -> jwt.PyJWKClient:
        async with self._lock:
            if self._jwks is None:
                url = self._settings.oidc_jwks_url or await self._discovered_jwks_url()
                self._jwks = jwt.PyJWKClient(url, cache_keys=True, lifespan=300, timeout=5)
            return self._jwks

    async def _discovered_jwks_url(self) -> str:
        where = f"{self._issuer.rstrip('/')}/.well-known/openid-configuration"
        try:
            async with httpx.AsyncClient(timeout=5) as client:
                response = await client.get(where)
                response.raise_for_status()
                url: str = response.json()["jwks_uri"]
        except (httpx.HTTPError, ValueError, KeyError) as error:
            raise ProviderUnavailable(f"no discovery document at {where}: {error}") from None
        return url


def claim(claims: dict[str, Any], path: str) -> Any:
    """The claim at a dotted path (`realm_access.roles`), or None."""
    found: Any = claims
    for part in path.split("."):
        if not isinstance(found, dict):
            return None
        found = found.get(part)
    return found
