"""The JSON Schema of a promise file, for editors that check YAML as it is typed.

The committed `promise.schema.json` is generated from the model; a unit test fails when
the two differ. Regenerate it after changing the model, from the repository root:

    python -m shared.promises.schema > shared/promises/promise.schema.json

(or `lofte promise schema`, which prints the same). A promise file opts in with the first
line `# yaml-language-server: $schema=promise.schema.json`.
"""

import json
from typing import Any

from shared.promises.model import Promise

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def export_schema() -> dict[str, Any]:
    """The schema of a promise file as a JSON-ready dict, dialect declared."""
    return {"$schema": DIALECT, **Promise.model_json_schema()}


def schema_text() -> str:
    """The schema as the committed file holds it: indented, UTF-8, a final newline."""
    return json.dumps(export_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
