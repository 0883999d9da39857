"""The AsyncAPI document as a page a person reads: every topic, who sends and who reads it,
each message's headers, key and data, field by field.

Rendered on the server from the document alone, with its styles inline: nothing is fetched
from elsewhere, so the page works where the service runs without the internet, and a page
about data from the police and a municipality loads nothing from a third party.
"""

from collections.abc import Iterator
from html import escape
from typing import Any

STYLE = """
body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#1b1b1b}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #8a8a8a;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#ececec}code{font-size:.95em}h2{margin-top:2.5rem;border-bottom:2px solid #1b1b1b}
a{color:#0b4f9c}
"""


def render_page(document: dict[str, Any], schema_link: str = "/schemas/{name}.json") -> str:
    """The page for `document`; `schema_link` is where each type's JSON Schema is served."""
    info = document["info"]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(info['title'])}</title><style>{STYLE}</style></head><body><main>",
        f"<h1>{escape(info['title'])}</h1>",
        f"<p>AsyncAPI {escape(document['asyncapi'])}, version {escape(info['version'])}. "
        'The document itself: <a href="/asyncapi.json">asyncapi.json</a>. Events travel in '
        "CloudEvents binary mode: the attributes as <code>ce_*</code> headers, the data as the "
        "JSON value.</p>",
        "<h2 id=topics>Topics</h2>",
        _table(["topic", "what it carries", "who"], list(_topic_rows(document))),
    ]
    for address, channel in document["channels"].items():
        parts.append(f'<h2 id="{escape(address)}">{escape(address)}</h2>')
        parts.append(f"<p>{escape(channel.get('description', ''))}</p>")
        for reference in channel["messages"].values():
            message = _resolve(document, reference["$ref"])
            parts.extend(_message(document, message, schema_link))
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _topic_rows(document: dict[str, Any]) -> Iterator[list[str]]:
    for address, channel in document["channels"].items():
        who = [
            escape(op.get("summary", ""))
            for op in document["operations"].values()
            if op["channel"]["$ref"] == f"#/channels/{address}"
        ]
        link = f'<a href="#{escape(address)}"><code>{escape(address)}</code></a>'
        yield [link, escape(channel.get("description", "")), "<br>".join(who)]


def _message(document: dict[str, Any], message: dict[str, Any], link: str) -> list[str]:
    name = message["name"]
    parts = [f"<h3>{escape(message['title'])}</h3>", f"<p>{escape(message['summary'])}</p>"]
    key = message["bindings"]["kafka"]["key"].get("description", "")
    parts.append(f"<p><strong>Key:</strong> {escape(key)}</p>")
    headers = message["headers"]
    rows = [
        [
            f"<code>{escape(header)}</code>",
            "yes" if header in headers.get("required", []) else "no",
            escape(_constraint(schema)),
            escape(schema.get("description", "")),
        ]
        for header, schema in headers["properties"].items()
    ]
    parts.append(_table(["header", "required", "value", "meaning"], rows))
    payload = message["payload"]
    if "$ref" not in payload:
        parts.append(f"<p><strong>Value:</strong> {escape(payload.get('description', ''))}</p>")
        return parts
    href = escape(link.format(name=name))
    parts.append(f'<p><strong>Data</strong> (<a href="{href}">JSON Schema</a>):</p>')
    parts.append(_fields(document, _resolve(document, payload["$ref"])))
    return parts


def _fields(document: dict[str, Any], schema: dict[str, Any]) -> str:
    required = set(schema.get("required", []))
    rows = []
    for field, spec in schema.get("properties", {}).items():
        nested = _nested(document, spec)
        shown = escape(_constraint(spec))
        if nested is not None:
            shown = f"object: {_fields(document, nested)}"
        rows.append(
            [
                f"<code>{escape(field)}</code>",
                "yes" if field in required else "no",
                shown,
                escape(spec.get("description", "")),
            ]
        )
    return _table(["field", "required", "value", "meaning"], rows)


def _nested(document: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any] | None:
    for option in [spec, *spec.get("anyOf", [])]:
        if "$ref" in option:
            return _resolve(document, option["$ref"])
    return None


def _constraint(spec: dict[str, Any]) -> str:
    """A field's values in words: its type and limits, as the schema states them."""
    options = [o for o in spec.get("anyOf", [spec]) if o.get("type") != "null"]
    described = []
    for option in options:
        if "const" in option:
            described.append(f"exactly {option['const']}")
            continue
        if "enum" in option:
            described.append("one of " + ", ".join(str(v) for v in option["enum"]))
            continue
        words = [str(option.get("format") or option.get("type") or "any")]
        for unit, low, high in (
            ("characters", "minLength", "maxLength"),
            ("items", "minItems", "maxItems"),
        ):
            if low in option or high in option:
                words.append(f"{option.get(low, 0)}–{option.get(high, '…')} {unit}")
        for name, label in (("minimum", "≥ {}"), ("maximum", "≤ {}"), ("pattern", "matching {}")):
            if name in option:
                words.append(label.format(option[name]))
        if option.get("type") == "array":
            words.append(f"of {_constraint(option.get('items', {}))}")
        described.append(", ".join(words))
    text = " or ".join(described)
    if len(options) < len(spec.get("anyOf", [spec])):
        text += " (or null)"
    if "default" in spec and spec["default"] is not None:
        text += f"; default {spec['default']}"
    return text


def _resolve(document: dict[str, Any], reference: str) -> dict[str, Any]:
    node: Any = document
    for part in reference.removeprefix("#/").split("/"):
        node = node[part]
    resolved: dict[str, Any] = node
    return resolved


def _table(head: list[str], rows: list[list[str]]) -> str:
    header = "".join(f"<th scope=col>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
