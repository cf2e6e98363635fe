"""YAML (and JSON) to plain Python values that remember their line numbers.

kubeconfigs and the organisation data are YAML. The composer of ruamel.yaml's
pure-Python loader gives a node graph with marks; we walk it ourselves so that
- every mapping and sequence keeps the 1-based line of each key and item,
- YAML aliases are shared, never copied, and a document that would expand past
  a size cap (the "billion laughs" bomb) is refused before any copy is made,
- several documents in one text are reported instead of silently dropping one.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# A kubeconfig with a few hundred contexts has a few thousand values; this leaves
# room for big real files while a bomb stops long before it costs memory or time.
MAX_VALUES = 1_000_000
MAX_DEPTH = 64
# The pure-Python scanner costs roughly 15 microseconds a token on CPython (more
# in the browser), so a text with very many small tokens is refused up front,
# counted cheaply as lines + colons + commas + dashes: this cap keeps a load
# near a second. A 1 MB kubeconfig of certificate-based users is ~14,000.
MAX_TOKENS = 30_000


class YamlMap(dict[str, Any]):
    """A YAML mapping with `line` (its own first line) and `lines[key]`."""

    line: int
    lines: dict[str, int]


class YamlList(list[Any]):
    """A YAML sequence with `line` and `lines[index]`."""

    line: int
    lines: list[int]


@dataclass(frozen=True)
class YamlProblem:
    """Why a text could not be loaded: `kind` is syntax, documents, complexity or size."""

    kind: str
    message: str
    line: int | None = None


def _loader() -> YAML:
    # pure=True: ruamel.yaml.clib is a C extension and does not exist in the browser.
    return YAML(typ="safe", pure=True)


def load(text: str) -> tuple[Any, YamlProblem | None]:
    """Load the one document in `text`; (value, None) or (None, problem)."""
    tokens = text.count("\n") + text.count(":") + text.count(",") + text.count("- ")
    if tokens > MAX_TOKENS:
        return None, YamlProblem(
            "size", f"it has about {tokens:,} lines and values, far more than a kubeconfig"
        )
    if _flow_too_deep(text):
        # ruamel's scanner slows down quadratically with open flow collections
        # (`[[[[...`), so such text is refused before it is scanned.
        return None, YamlProblem("complexity", f"brackets are nested more than {MAX_DEPTH} deep")
    blobs = _Blobs(text)
    if blobs.values:
        try:
            return _load(blobs.text, blobs)
        except _NotABlob:
            pass
    return _load(text, None)


def _load(text: str, blobs: _Blobs | None) -> tuple[Any, YamlProblem | None]:
    try:
        # ruamel warns (ReusedAnchorWarning...) about odd but loadable YAML; the
        # text is the user's paste, so a warning is not ours to print or raise.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            documents = [d for d in _loader().compose_all(text) if not _is_empty(d)]
    except (YAMLError, RecursionError) as error:
        if blobs is not None:
            # A problem is told from the text as pasted: load that instead.
            raise _NotABlob from error
        return None, _syntax_problem(error)
    if not documents:
        return None, None
    if len(documents) > 1:
        second = documents[1].start_mark.line + 1
        return None, YamlProblem(
            "documents",
            f"found {len(documents)} YAML documents (the second starts at line {second})",
            second,
        )
    try:
        return _Builder(blobs).build(documents[0]), None
    except _TooComplex as error:
        return None, YamlProblem("complexity", str(error))


def _syntax_problem(error: YAMLError | RecursionError) -> YamlProblem:
    if isinstance(error, RecursionError):
        return YamlProblem("complexity", "the text is nested too deeply")
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = error.problem or error.context or "invalid YAML"
        return YamlProblem("syntax", f"{reason} (line {line})" if line else reason, line)
    return YamlProblem("syntax", str(error).splitlines()[0] if str(error) else "invalid")


class _NotABlob(Exception):
    """A placeholder did not stand for a whole value: load the text as pasted."""


class _Blobs:
    """The text with each long base64 value swapped for a short placeholder.

    Certificates, keys and tokens are most of a big kubeconfig's bytes, and the
    pure-Python scanner reads a plain scalar one character at a time (~0.7 us each
    on CPython, slower in the browser: a 1 MB kubeconfig took a second). A value of
    256 or more base64 characters alone on its line after `key: ` is read as a
    placeholder instead and put back when the values are built; the lines stay where
    they were. Anything unexpected (a placeholder inside a longer value, any YAML
    error) makes `load` read the text as pasted.
    """

    # With a letter past f, + or / and no 0x/0o/0b prefix, never an int, float, bool,
    # null or timestamp: a string however it is read.
    _VALUE = re.compile(
        r"^([ \t]*(?:-[ \t]+)?[A-Za-z0-9_.-]+:[ \t]+)"
        r"((?!0[xXoObB])(?=[A-Za-z0-9+/=._-]*[g-zG-Z+/])[A-Za-z0-9+/=._-]{256,})[ \t]*$",
        re.MULTILINE,
    )
    _MARK = "zzblob"

    def __init__(self, text: str) -> None:
        self.values: dict[str, str] = {}
        if self._MARK in text:
            self.text = text
            return

        def swap(match: re.Match[str]) -> str:
            placeholder = f"{self._MARK}{len(self.values)}"
            self.values[placeholder] = match[2]
            return match[1] + placeholder

        self.text = self._VALUE.sub(swap, text)

    def value(self, raw: str) -> str:
        found = self.values.get(raw)
        if found is not None:
            return found
        if self._MARK in raw:
            raise _NotABlob(raw)
        return raw


_BRACKET = re.compile(r"[\[\]{}]")


def _flow_too_deep(text: str) -> bool:
    depth = 0
    for m in _BRACKET.finditer(text):
        depth = depth + 1 if m.group() in "[{" else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            return True
    return False


def _is_empty(node: Node) -> bool:
    return (
        isinstance(node, ScalarNode)
        and str(node.tag).endswith(":null")
        and node.value in ("", "~", "null", "Null", "NULL")
    )


class _TooComplex(Exception):
    pass


class _Builder:
    """Node graph -> YamlMap/YamlList/scalars, sharing aliased nodes."""

    def __init__(self, blobs: _Blobs | None = None) -> None:
        self.done: dict[int, Any] = {}
        self.size: dict[int, int] = {}
        self.blobs = blobs

    def build(self, root: Node) -> Any:
        self._measure(root)
        return self._value(root, 0)

    def _measure(self, root: Node) -> None:
        # Expanded size of every node, memoised by identity: aliases make the
        # graph a DAG whose expansion can be exponential, its measure is not.
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, children_done = stack.pop()
            key = id(node)
            if key in self.size:
                continue
            children = _children(node)
            if children_done or not children:
                total = 1 + sum(self.size.get(id(c), 0) for c in children)
                if total > MAX_VALUES:
                    raise _TooComplex(
                        "YAML aliases expand it to more than "
                        f"{MAX_VALUES:,} values (an alias bomb, not a kubeconfig)"
                    )
                self.size[key] = total
                continue
            if len(stack) > MAX_VALUES:
                raise _TooComplex("the text is nested too deeply")
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in self.size)

    def _value(self, node: Node, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise _TooComplex(f"values are nested more than {MAX_DEPTH} levels deep")
        key = id(node)
        if key in self.done:
            return self.done[key]
        value: Any
        if isinstance(node, MappingNode):
            mapping = YamlMap()
            mapping.line = node.start_mark.line + 1
            mapping.lines = {}
            self.done[key] = mapping
            for k, v in node.value:
                name = self._text(_scalar_text(k))
                if name in mapping:
                    # client-go's decoder rejects duplicate keys; the first is kept here
                    # and the kubeconfig layer needs nothing more precise.
                    continue
                mapping.lines[name] = k.start_mark.line + 1
                mapping[name] = self._value(v, depth + 1)
            value = mapping
        elif isinstance(node, SequenceNode):
            items = YamlList()
            items.line = node.start_mark.line + 1
            items.lines = []
            self.done[key] = items
            for item in node.value:
                items.lines.append(item.start_mark.line + 1)
                items.append(self._value(item, depth + 1))
            value = items
        else:
            value = _scalar(node)
            if isinstance(value, str):
                value = self._text(value)
            self.done[key] = value
        return value

    def _text(self, text: str) -> str:
        return text if self.blobs is None else self.blobs.value(text)


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _scalar_text(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return str(node.value)
    return f"<{type(node).__name__}>"


def _scalar(node: Node) -> Any:
    if not isinstance(node, ScalarNode):
        return None
    tag, raw = str(node.tag), str(node.value)
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return raw.lower() in ("true", "yes", "on", "y")
    if tag.endswith(":int"):
        try:
            return int(raw.replace("_", ""), 0)
        except ValueError:
            return raw
    return raw
