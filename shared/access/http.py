"""The FastAPI side of access: who calls (401 otherwise) and whether staff (403 otherwise).

A route takes `Caller` when any role may use it and `Staff` when it shows or changes what
belongs to an organisation; it then scopes what it reads and does with the principal. The
routes that need neither are the operations routes and the signed acknowledge links.
"""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.access import Principal, key_store, keys
from shared.access.known_keys import KnownKeys
from shared.access.tokens import InvalidToken, NoRights, ProviderUnavailable, TokenVerifier
from shared.http.problems import RETRY_AFTER_SECONDS, ProblemError

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="lofte"'}
INVALID = {"WWW-Authenticate": 'Bearer realm="lofte", error="invalid_token"'}
# Shows the scheme in the OpenAPI document (and /docs' Authorize button); the checks and
# their answers are ours, so it raises nothing itself.
_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="An API key (`lofte keys create`) or an OpenID Connect access token",
)


async def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or not credentials.credentials.strip():
        raise ProblemError(
            401,
            "send an API key or an access token as Authorization: Bearer <…>",
            headers=CHALLENGE,
        )
    presented = credentials.credentials.strip()
    # Shaped like a key or not, what starts as one is judged as one.
    if presented.startswith(keys.PREFIX):

        async def look_up() -> Principal | None:
            async with request.app.state.pool.acquire() as connection:
                return await key_store.principal_of(connection, presented)

        known: KnownKeys = request.app.state.known_keys
        principal = await known.principal_of(presented, look_up)
        if principal is None:
            raise ProblemError(401, "the API key is unknown or revoked", headers=INVALID)
        return principal
    return await _token_holder(request, presented)


async def _token_holder(request: Request, token: str) -> Principal:
    verifier: TokenVerifier | None = request.app.state.tokens
    if verifier is None:
        raise ProblemError(
            401,
            "not an API key, and this service takes no access tokens (no OIDC_ISSUER)",
            headers=INVALID,
        )
    try:
        return await verifier.principal(token)
    except InvalidToken as error:
        raise ProblemError(
            401, f"the access token is not valid: {error}", headers=INVALID
        ) from None
    except NoRights as error:
        raise ProblemError(403, str(error)) from None
    except ProviderUnavailable:
        raise ProblemError(
            503,
            "the identity provider's keys cannot be fetched right now; try again shortly",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        ) from None


Caller = Annotated[Principal, Depends(caller)]


async def staff_member(principal: Caller) -> Principal:
    if not principal.is_staff:
        raise ProblemError(
            403, f"staff only: a {principal.role} key sends events and reads what it sent"
        )
    return principal


Staff = Annotated[Principal, Depends(staff_member)]


def require_acts_for(principal: Principal, organisation: str | None, what: str) -> None:
    """403 unless the principal may act on `what`, which belongs to `organisation`."""
    if not principal.acts_for(organisation):
        raise ProblemError(403, f"{what} belongs to {organisation or 'no organisation'}")
