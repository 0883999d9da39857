"""What a valid token's claims make of its holder: the strongest Löfte role it names, the
organisation, and a name to record with what they do."""

from typing import Any

import pytest

from shared.access import Role
from shared.access.settings import AccessSettings
from shared.access.tokens import NoRights, TokenVerifier, claim

SETTINGS = AccessSettings(oidc_issuer="https://login.lund.example/realms/lofte")


def holder(claims: dict[str, Any], settings: AccessSettings = SETTINGS) -> Any:
    return TokenVerifier(settings)._principal({"sub": "f00", **claims})


def test_keycloak_realm_roles_and_an_organisation_attribute() -> None:
    principal = holder(
        {
            "realm_access": {"roles": ["offline_access", "staff"]},
            "organisation": "polisen",
            "preferred_username": "anna.polis",
        }
    )

    assert (principal.name, principal.role, principal.organisation) == (
        "anna.polis",
        Role.STAFF,
        "polisen",
    )
    assert principal.via == "token"


def test_the_strongest_role_named_counts_and_an_admin_needs_no_organisation() -> None:
    principal = holder({"realm_access": {"roles": ["staff", "admin"]}})

    assert (principal.role, principal.organisation, principal.name) == (Role.ADMIN, None, "f00")


def test_entra_style_app_roles_in_other_claims() -> None:
    settings = AccessSettings(
        oidc_issuer="https://login.microsoftonline.com/tenant/v2.0",
        oidc_role_claim="roles",
        oidc_organisation_claim="extension_organisation",
        oidc_name_claim="upn",
    )

    principal = holder(
        {"roles": "staff", "extension_organisation": ["kommunen"], "upn": "bo@lund.se"}, settings
    )

    assert (principal.name, principal.role, principal.organisation) == (
        "bo@lund.se",
        Role.STAFF,
        "kommunen",
    )


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        (
            {"realm_access": {"roles": ["offline_access"]}, "organisation": "polisen"},
            "no Löfte role",
        ),
        ({"realm_access": {"roles": ["staff"]}}, "names no organisation"),
        ({"realm_access": {"roles": ["staff"]}, "organisation": ""}, "names no organisation"),
    ],
)
def test_a_valid_token_without_rights_is_refused(claims: dict[str, Any], why: str) -> None:
    with pytest.raises(NoRights, match=why):
        holder(claims)


def test_claims_are_found_by_dotted_paths() -> None:
    claims = {"a": {"b": {"c": 1}}, "d": "e"}

    assert claim(claims, "a.b.c") == 1
    assert claim(claims, "d.x") is None
    assert claim(claims, "missing") is None
