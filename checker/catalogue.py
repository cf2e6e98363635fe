"""The catalogue of checks (catalogue.yml): layers, symptoms, fixes, guide steps.

The single source for the troubleshooting page (the site's macros import this
module), for the checker's fixes and for its guide links. Texts hold
{placeholders} filled from the organisation data for the reader's role.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from checker.organisation import Organisation
from checker.parse import yamltree

SEVERITIES = ("error", "warning", "info")
INPUT_LAYER = "input"


@dataclass(frozen=True)
class Layer:
    id: str
    title: str
    question: str


@dataclass(frozen=True)
class Check:
    id: str
    layer: str
    severity: str
    symptom: str
    fix: str
    step: str
    texts: tuple[str, ...] = ()  # the tools' own messages for it, as they print them


@dataclass(frozen=True)
class Catalogue:
    layers: tuple[Layer, ...]
    checks: Mapping[str, Check]

    def layer(self, layer_id: str) -> Layer:
        return next(layer for layer in self.layers if layer.id == layer_id)

    def checks_of(self, layer_id: str) -> tuple[Check, ...]:
        return tuple(c for c in self.checks.values() if c.layer == layer_id)


class CatalogueError(ValueError):
    """catalogue.yml is malformed (a bug in the project, caught by its tests)."""


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """Read checker/catalogue.yml from the installed package (works from a wheel).

    The browser's copy of the package also holds PARSED_NAME, the same data already
    parsed (see `parsed_catalogue`), and that is read instead.
    """
    package = resources.files("checker")
    parsed = package.joinpath(PARSED_NAME)
    if parsed.is_file():
        return catalogue_from_data(json.loads(parsed.read_text(encoding="utf-8")))
    return parse_catalogue(package.joinpath("catalogue.yml").read_text(encoding="utf-8"))


# The pure-Python YAML parser takes ~100 ms for the catalogue on WebAssembly, the
# first time the page checks; JSON takes a millisecond. So the site build writes the
# catalogue as JSON into the browser's copy of the package (hooks/bytecode_compile.py).
PARSED_NAME = "catalogue.json"


def parsed_catalogue(text: str) -> str:
    """catalogue.yml text as the JSON that load_catalogue reads in its place."""
    return json.dumps(_catalogue_data(text), ensure_ascii=False, sort_keys=True)


def parse_catalogue(text: str) -> Catalogue:
    return catalogue_from_data(_catalogue_data(text))


def _catalogue_data(text: str) -> dict[str, Any]:
    data, problem = yamltree.load(text)
    if problem is not None or not isinstance(data, dict):
        raise CatalogueError(f"catalogue.yml: {problem.message if problem else 'not a mapping'}")
    return data


def catalogue_from_data(data: Mapping[str, Any]) -> Catalogue:
    layers = tuple(
        Layer(id=str(d["id"]), title=str(d["title"]), question=str(d["question"]))
        for d in data.get("layers") or []
    )
    known_layers = {layer.id for layer in layers} | {INPUT_LAYER}
    checks: dict[str, Check] = {}
    for d in data.get("checks") or []:
        check = Check(
            id=str(d["id"]),
            layer=str(d["layer"]),
            severity=str(d.get("severity") or "error"),
            symptom=str(d["symptom"]),
            fix=str(d["fix"]),
            step=str(d.get("step") or ""),
            texts=tuple(str(t) for t in d.get("texts") or ()),
        )
        if check.id in checks:
            raise CatalogueError(f"catalogue.yml: check {check.id} is listed twice")
        if check.layer not in known_layers:
            raise CatalogueError(f"catalogue.yml: check {check.id} has unknown layer {check.layer}")
        if check.severity not in SEVERITIES:
            raise CatalogueError(f"catalogue.yml: check {check.id} has severity {check.severity}")
        checks[check.id] = check
    return Catalogue(layers=layers, checks=MappingProxyType(checks))


def placeholders(
    organisation: Organisation, role_id: str | None, tailnets: tuple[str, ...] = ()
) -> dict[str, str]:
    """The values of every {placeholder} for a role (the first role when None).

    `tailnets` overrides the role's expected tailnets (the CLI's `--tailnet`).
    """
    role = organisation.role(role_id) or organisation.roles[0]
    tailscale, kubernetes = organisation.tailscale, organisation.kubernetes
    proxy = kubernetes.operator_proxy
    groups = ", ".join(f"`{g}`" for g in role.kubernetes_groups)
    return {
        "admins": tailscale.admins,
        "cluster_admins": tailscale.cluster_admins,
        "contact": tailscale.contact,
        "identity_provider": tailscale.identity_provider,
        "download_url": tailscale.download_url,
        "test_command": kubernetes.test_command,
        "control_plane": kubernetes.control_plane,
        "org": organisation.short_name,
        "tailnet": (tailnets or role.tailnets)[0],
        "role_title": role.title,
        "sign_in": role.sign_in,
        "groups": groups or "the groups your role needs",
        "proxy_hostname": proxy.hostname if proxy else "<proxy hostname>",
        "proxy_tag": proxy.tag if proxy else "tag:k8s-operator",
    }


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def fill(
    text: str, organisation: Organisation, role_id: str | None, tailnets: tuple[str, ...] = ()
) -> str:
    """`text` with its {placeholders} replaced; an unknown name is left as written."""
    return substitute(text, placeholders(organisation, role_id, tailnets))


def substitute(text: str, values: Mapping[str, str]) -> str:
    """`text` with each known {placeholder} replaced by its value; others stay as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def placeholder_names(text: str) -> set[str]:
    """Names used in `text` (for the test that every placeholder is known)."""
    return set(_PLACEHOLDER.findall(text))
