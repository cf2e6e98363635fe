"""Every module the checker page may import, imported: what both boots are made of.

Runs inside Pyodide under Node.js at build time, for both makers' Python sides:
bytecode_compile.py (the normal boot's standard library holds exactly these modules,
as bytecode) and snapshot_image.py (the memory image holds them, imported). Besides
what a sample check imports, that is every module the checker's sources import, at
the top or inside a function (a rare path imports it too), and the codecs it names by
string; anything else a page ever imports comes from the whole standard library,
fetched on demand (stdlib_on_demand.py).
"""

from __future__ import annotations

import ast
import codecs
import importlib
import importlib.util
from pathlib import Path
from types import ModuleType

from warm_up import sample_requests

# The command line and `python -m checker` are not part of the page.
NOT_IN_THE_PAGE = {"checker.cli", "checker.__main__"}
# Codecs named by string (asn1crypto decodes BMPString and UniversalString as
# UTF-16/32-BE and names as IDNA; a pasted text may carry a BOM; the forgiving reader
# undoes UTF-8 read as Windows-1252): looked up once here, they are in the codec
# registry's memory, not in files, so no paste makes the page fetch the standard
# library after it is ready.
CODECS = (
    "utf-8-sig", "utf-16", "utf-16-be", "utf-16-le", "utf-32", "utf-32-be", "idna", "cp1252",
)  # fmt: skip


class Imports(ast.NodeVisitor):
    """What a source file imports, at the top or inside functions; not for type checkers.

    `from a import b` names a module `a` and maybe a submodule `a.b`.
    """

    def __init__(self) -> None:
        self.modules: set[str] = set()
        self.maybe_modules: set[str] = set()

    def visit_If(self, node: ast.If) -> None:
        # `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`) imports only for type checkers.
        if getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.modules.update(alias.name for alias in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and not node.level:
            self.modules.add(node.module)
            self.maybe_modules.update(f"{node.module}.{alias.name}" for alias in node.names)


def imported_by(package: ModuleType) -> Imports:
    """What the package's modules import, and the modules themselves, except the CLI's."""
    imports = Imports()
    root = Path(next(iter(package.__path__)))
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if module not in NOT_IN_THE_PAGE:
            imports.modules.add(module)
            imports.visit(ast.parse(path.read_bytes(), str(path)))
    return imports


def is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # the parent is a module, not a package
        return False


def import_everything() -> None:
    """Import what the checker's sources import, look up its codecs, run the samples."""
    import checker
    from checker.api import run

    imports = imported_by(checker)
    for name in sorted(imports.modules):
        importlib.import_module(name)
    for name in sorted(imports.maybe_modules):
        if is_module(name):
            importlib.import_module(name)
    for name in CODECS:
        codecs.lookup(name)
    for request in sample_requests():
        run(request)
