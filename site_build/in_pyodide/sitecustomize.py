"""Build time only: Python compiles every module it imports without its docstrings.

Both makers (site_build/node/make_snapshot.mjs and make_bytecode.mjs) write this
file into site-packages before Python starts, so that even the modules Pyodide
imports as it starts are compiled by it, and so is what py_compile compiles (the
normal boot's bytecode). Docstrings are text the checker never reads: without them
the memory image is some 370 kB smaller gzipped, and the normal boot's archive a
quarter. Unlike `-OO` (PYTHONOPTIMIZE=2), this keeps the `assert` statements, which
the wheels' code has and the tests run with. snapshot_image.prepare() takes the hook
out again before the image is made.
"""

import ast
import zipimport
from importlib import _bootstrap_external

# Not `import typing`: what this imports keeps its docstrings.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DOCSTRING_OWNERS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_compiling: list[str] = []


def without_docstrings(source: Any, path: str) -> Any:
    """The module's tree without its docstrings; the source as is while making one
    (ast may import a module as it works: that one keeps its docstrings)."""
    if _compiling or not isinstance(source, (bytes, bytearray, str)):
        return source
    _compiling.append(path)
    try:
        tree = ast.parse(source, path)
        for node in ast.walk(tree):
            if isinstance(node, DOCSTRING_OWNERS) and node.body:
                first = node.body[0]
                if (
                    isinstance(first, ast.Expr)
                    and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)
                ):
                    # Deleted (a `from __future__` import may follow), unless it is all.
                    node.body[0:1] = [] if node.body[1:] else [ast.copy_location(ast.Pass(), first)]
    finally:
        _compiling.pop()
    return tree


def source_to_code(self: Any, data: Any, path: str, *, _optimize: int = -1) -> Any:
    """SourceLoader.source_to_code (site-packages), without docstrings."""
    tree = without_docstrings(data, path)
    return compile(tree, path, "exec", dont_inherit=True, optimize=_optimize)


def compile_source(pathname: str, source: bytes) -> Any:
    """zipimport._compile_source (the standard library's zip), without docstrings."""
    source = zipimport._normalize_line_endings(source)  # type: ignore[attr-defined]
    return compile(without_docstrings(source, pathname), pathname, "exec", dont_inherit=True)


ORIGINAL = (_bootstrap_external.SourceLoader.source_to_code, zipimport._compile_source)  # type: ignore[attr-defined]
_bootstrap_external.SourceLoader.source_to_code = source_to_code  # type: ignore[method-assign,assignment]
zipimport._compile_source = compile_source  # type: ignore[attr-defined]


def uninstall() -> None:
    """Compile as Python does again (what the restored image may still import)."""
    loader = _bootstrap_external.SourceLoader
    loader.source_to_code, zipimport._compile_source = ORIGINAL  # type: ignore[method-assign,attr-defined]
