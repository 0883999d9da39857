"""Who is calling: the organisation behind the `Authorization: Bearer <api key>` header."""

from fastapi import Request

from services.activities import key_store
from shared.http.problems import ProblemError

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="lofte"'}


async def reporting_organisation(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ProblemError(
            401, "send the API key as Authorization: Bearer <key>", headers=CHALLENGE
        )
    async with request.app.state.pool.acquire() as connection:
        organisation = await key_store.organisation_of(connection, token.strip())
    if organisation is None:
        raise ProblemError(
            401,
            "the API key is unknown or revoked",
            headers={"WWW-Authenticate": 'Bearer realm="lofte", error="invalid_token"'},
        )
    return organisation
