"""Where people's tokens come from: the organisation's OpenID Connect provider.

Every service reads the same settings (names as in the environment, `OIDC_*`). Without
`OIDC_ISSUER` only API keys get in, which production refuses (see `shared.settings`).
"""

from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings


class AccessSettings(BaseSettings):
    # The provider's issuer URL, exactly as its tokens' `iss` claim says it (for Keycloak:
    # https://HOST/realms/REALM).
    oidc_issuer: str | None = None
    # What the tokens' `aud` must contain: the name the provider knows Löfte's API by.
    oidc_audience: str = "lofte"
    # The provider's published keys; by default found in its discovery document.
    oidc_jwks_url: str | None = None
    # Claims, as dotted paths into the token (Keycloak puts realm roles in realm_access.roles;
    # Entra ID app roles are in `roles`). The role claim may hold one name or a list.
    oidc_organisation_claim: str = "organisation"
    oidc_role_claim: str = "realm_access.roles"
    oidc_name_claim: str = "preferred_username"
    oidc_algorithms: tuple[str, ...] = ("RS256", "PS256", "ES256")
    # Clock difference tolerated between the provider and the service.
    oidc_leeway_seconds: Annotated[float, Field(ge=0, le=300)] = 30.0

    def oidc_problems(self) -> list[str]:
        """What makes the settings unfit for production, where staff must sign in."""
        if not self.oidc_issuer:
            return ["OIDC_ISSUER is not set: staff could not sign in"]
        urls = [self.oidc_issuer, self.oidc_jwks_url or ""]
        if any(url and not url.startswith("https://") for url in urls):
            return ["OIDC_ISSUER and OIDC_JWKS_URL must be https: keys read in clear can be forged"]
        return []
