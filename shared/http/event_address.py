"""An event's address in a path: `{prefix}/{source}/{id}`, each part percent-encoded.

A source is a URI and an id any text, so either may hold a `/`: the parts are read from the
path as it was sent (`raw_path`), split on the `/` that separate them, and only then decoded.
A server decodes the path before routing, so the route's own parameters cannot be trusted
with a `%2F`.
"""

from urllib.parse import unquote

from fastapi import Request

from shared.http.problems import ProblemError

HOW = (
    "give the event's source and id, each percent-encoded (a / as %2F), "
    "e.g. {prefix}/urn%3Alofte%3Apartner%3Apolisen/walk-2017-04-12"
)


def event_address(request: Request, prefix: str) -> tuple[str, str]:
    """(source, id) from the request's path below `prefix`; 404 saying how otherwise."""
    raw = request.scope.get("raw_path")
    sent = raw.decode("latin-1") if isinstance(raw, bytes) else request.url.path
    sent = sent.split("?", 1)[0]
    root = request.scope.get("root_path", "")
    at = sent.find(prefix + "/", len(root) if sent.startswith(root) else 0)
    parts = sent[at + len(prefix) + 1 :].split("/") if at >= 0 else []
    if len(parts) != 2 or not all(parts):
        raise ProblemError(404, HOW.format(prefix=prefix))
    try:
        source, event_id = (unquote(part, errors="strict") for part in parts)
    except UnicodeDecodeError:
        raise ProblemError(404, "the source and id must be UTF-8, percent-encoded") from None
    if "\x00" in source + event_id:
        raise ProblemError(404, "no source or id holds the NUL character")
    return source, event_id
