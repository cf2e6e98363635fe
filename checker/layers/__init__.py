"""The access layers, in the order a connection passes through them.

The catalogue (checker/catalogue.yml) lists the layers, their ids and titles, in
that order; each layer is the module of this package named after its id. A module's
docstring says what it checks; `applies(ctx)` says whether its inputs were given and
`check(ctx)` yields the problems it found. The engine stamps layer, severity, fix and
links on each problem; a layer only says what it found.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import import_module
from typing import Protocol, cast

from checker.catalogue import Layer, load_catalogue
from checker.context import CheckContext
from checker.model import Problem


class LayerModule(Protocol):
    def applies(self, ctx: CheckContext) -> bool: ...

    def check(self, ctx: CheckContext) -> Iterator[Problem]: ...


@cache
def layers() -> tuple[tuple[Layer, LayerModule], ...]:
    """Each layer of the catalogue with its module, in the catalogue's order."""
    return tuple(
        (layer, cast(LayerModule, import_module(f"{__name__}.{layer.id}")))
        for layer in load_catalogue().layers
    )
