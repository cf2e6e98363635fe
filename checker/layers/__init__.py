"""The access layers, in the order a connection passes through them.

Each module has an `ID` (a layer id from catalogue.yml), a `TITLE`, a docstring
that says what it checks, `applies(ctx)` (were its inputs given?) and a
`check(ctx)` generator of problems. The engine stamps layer, severity, fix and
links on each problem; a layer only says what it found.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Protocol, cast

from checker.context import CheckContext
from checker.layers import account, credentials, device, kubeconfig, network, rbac, tailscale
from checker.model import Problem


class LayerModule(Protocol):
    ID: str
    TITLE: str

    def applies(self, ctx: CheckContext) -> bool: ...

    def check(self, ctx: CheckContext) -> Iterator[Problem]: ...


def _layer(module: ModuleType) -> LayerModule:
    return cast(LayerModule, module)


LAYERS: tuple[LayerModule, ...] = tuple(
    _layer(m) for m in (tailscale, account, device, kubeconfig, network, credentials, rbac)
)
