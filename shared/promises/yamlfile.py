"""Reading a promise's YAML so that every problem names its file, line and column.

The file is parsed once into PyYAML's node tree, which keeps where each value was
written, and the plain data is built from that same tree. A pydantic error location
(`commitments`, 3, `target`, `count`, `at_least`) is then walked down the tree to the
node it concerns: `lund-2017.yaml:42:7 commitments[3].target.at_least: ...`.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from shared.promises.base import Loc, RuleViolations, format_path

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class FileProblem:
    """One problem in a file; line and column count from 1."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where} {self.path}: {self.message}" if self.path else f"{where} {self.message}"


class PromiseFileError(ValueError):
    """A promise file (or a data file it relies on) that cannot be used, and every reason."""

    def __init__(self, problems: Iterable[FileProblem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: (p.file, p.line, p.column)))
        super().__init__("\n".join(str(problem) for problem in self.problems))


def _at(name: str, mark: yaml.Mark | None, path: str, message: str) -> FileProblem:
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return FileProblem(name, line, column, path, message)


def _compose(text: str, name: str) -> tuple[yaml.Node, Any]:
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise PromiseFileError([FileProblem(name, 1, 1, "", "the file is empty")])
        return root, loader.construct_document(root)
    except yaml.MarkedYAMLError as error:
        message = ", ".join(part for part in (error.context, error.problem) if part)
        raise PromiseFileError([_at(name, error.problem_mark, "", message)]) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise PromiseFileError([FileProblem(name, line, 1, "", error.reason)]) from None
    finally:
        loader.dispose()


def _duplicate_keys(node: yaml.Node, name: str, loc: Loc = ()) -> Iterator[FileProblem]:
    # PyYAML keeps the last of two equal keys without a word; a promise file that says
    # `at_least` twice is a mistake worth pointing at.
    if isinstance(node, yaml.MappingNode):
        first: dict[str, yaml.Node] = {}
        for key, value in node.value:
            text = str(key.value)
            if text in first:
                where = f"first on line {first[text].start_mark.line + 1}"
                path = format_path((*loc, text))
                yield _at(name, key.start_mark, path, f"duplicate key ({where})")
            else:
                first[text] = key
            yield from _duplicate_keys(value, name, (*loc, text))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _duplicate_keys(item, name, (*loc, index))


def _rest(parts: list[str | int], index: int) -> list[str | int]:
    return [part for part in parts[index:] if part != "[key]"]


def _locate(root: yaml.Node, loc: Loc, error_type: str) -> tuple[yaml.Node, Loc]:
    """The node `loc` leads to (or the deepest one that exists) and the path to show."""
    node, key = root, None
    shown: list[str | int] = []
    parts: list[str | int] = [*loc, "kind"] if error_type == "union_tag_invalid" else list(loc)
    for index, part in enumerate(parts):
        if part == "[key]" and key is not None:
            node = key
            continue
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return node, (*shown, *_rest(parts, index))
            node, key = node.value[part], None
        elif isinstance(node, yaml.MappingNode):
            pairs = {str(k.value): (k, v) for k, v in node.value}
            if str(part) in pairs:
                key, node = pairs[str(part)]
            elif "kind" in pairs and pairs["kind"][1].value == part:
                continue  # a union's tag in pydantic's location; the file has no such key
            else:
                return node, (*shown, *_rest(parts, index))
        else:
            return node, (*shown, *_rest(parts, index))
        shown.append(part)
    # A block (a commitment's target) is best shown by its key's line; a value by itself.
    wants_key = error_type == "extra_forbidden" or not isinstance(node, yaml.ScalarNode)
    return (key if wants_key and key is not None else node), tuple(shown)


def _errors(error: ValidationError) -> Iterator[tuple[Loc, str, str]]:
    details = error.errors(include_url=False, include_input=False)
    failed_inside = {d["loc"][:end] for d in details for end in range(len(d["loc"]))}
    for detail in details:
        if detail["type"] == "too_short" and detail["loc"] in failed_inside:
            # pydantic also calls a list too short when its items failed; that is noise.
            continue
        cause = detail.get("ctx", {}).get("error")
        if isinstance(cause, RuleViolations):
            for loc, message in cause.problems:
                yield (*detail["loc"], *loc), message, "rule"
        else:
            message = detail["msg"].removeprefix("Value error, ")
            yield tuple(detail["loc"]), message, detail["type"]


def validate_yaml(
    model: type[Model],
    text: str,
    name: str,
    check: Callable[[Model], Iterable[tuple[Loc, str]]] | None = None,
) -> Model:
    """`text` parsed and validated as `model`, or PromiseFileError with every problem.

    `check` adds rules that need more than the file itself (what else is loaded), each
    problem with the path it concerns, and runs only on an otherwise valid file.
    """
    root, data = _compose(text, name)
    problems = list(_duplicate_keys(root, name))
    try:
        result = model.model_validate(data)
    except ValidationError as error:
        found: Iterable[tuple[Loc, str, str]] = _errors(error)
    else:
        found = [(loc, message, "rule") for loc, message in (check(result) if check else ())]
    for loc, message, error_type in found:
        node, shown = _locate(root, loc, error_type)
        problems.append(_at(name, node.start_mark, format_path(shown), message))
    if problems:
        raise PromiseFileError(problems)
    return result
