"""The organisation data (organisation.yml): who the site and the checker are for.

One file names the organisation, its tailnets per role and the people to ask.
The guides, the troubleshooting page and every checker message take their names
from here, so another team publishes the whole thing for itself by editing only
that file. `load_organisation` reads the YAML text; `organisation_from_dict`
takes the already-parsed object (what the browser sends).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.parse import yamltree

ENV_VAR = "ORGANISATION_FILE"


class OrganisationError(ValueError):
    """The organisation data is missing a field or has a wrong type."""


@dataclass(frozen=True)
class Permissions:
    default: str
    more: str


@dataclass(frozen=True)
class Role:
    id: str
    title: str
    audience: str
    tailnets: tuple[str, ...]
    sign_in: str
    kubeconfig_from: str
    permissions: Permissions
    intro: str


@dataclass(frozen=True)
class Organisation:
    name: str
    short_name: str
    site_name: str
    site_url: str
    identity_provider: str
    download_url: str
    admins: str
    cluster_admins: str
    contact: str
    control_plane: str
    test_command: str
    roles: tuple[Role, ...]

    def role(self, role_id: str | None) -> Role | None:
        return next((r for r in self.roles if r.id == role_id), None)

    def role_of_tailnet(self, tailnet: str) -> Role | None:
        """The role whose expected tailnets include `tailnet` (case-insensitive)."""
        wanted = tailnet.casefold()
        return next(
            (r for r in self.roles if any(t.casefold() == wanted for t in r.tailnets)), None
        )

    @property
    def all_tailnets(self) -> tuple[str, ...]:
        return tuple(t for r in self.roles for t in r.tailnets)


def load_organisation(text: str) -> Organisation:
    """Parse organisation.yml text; raise OrganisationError with the reason."""
    data, problem = yamltree.load(text)
    if problem is not None:
        raise OrganisationError(f"organisation data is not valid YAML: {problem.message}")
    return organisation_from_dict(data)


def organisation_from_dict(data: object) -> Organisation:
    """Build the model from parsed data; raise OrganisationError naming the bad field."""
    top = _mapping(data, "the organisation data")
    org = _mapping(top.get("organisation"), "organisation")
    tailscale = _mapping(top.get("tailscale"), "tailscale")
    kubernetes = _mapping(top.get("kubernetes"), "kubernetes")
    roles_data = _mapping(top.get("roles"), "roles")
    if not roles_data:
        raise OrganisationError("roles: expected at least one role")
    roles = tuple(_role(str(rid), _mapping(r, f"roles.{rid}")) for rid, r in roles_data.items())
    return Organisation(
        name=_text(org, "name", "organisation"),
        short_name=_text(org, "short_name", "organisation", default=_text(org, "name", "")),
        site_name=_text(org, "site_name", "organisation", default=""),
        site_url=_text(org, "site_url", "organisation", default=""),
        identity_provider=_text(tailscale, "identity_provider", "tailscale"),
        download_url=_text(
            tailscale, "download_url", "tailscale", default="https://tailscale.com/download"
        ),
        admins=_text(tailscale, "admins", "tailscale"),
        cluster_admins=_text(tailscale, "cluster_admins", "tailscale"),
        contact=_text(tailscale, "contact", "tailscale"),
        control_plane=_text(
            kubernetes, "control_plane", "kubernetes", default="the cluster control plane"
        ),
        test_command=_text(
            kubernetes, "test_command", "kubernetes", default="kubectl get namespaces"
        ),
        roles=roles,
    )


def _role(role_id: str, data: Mapping[str, Any]) -> Role:
    where = f"roles.{role_id}"
    tailnets = data.get("tailnets")
    if (
        not isinstance(tailnets, list)
        or not tailnets
        or not all(isinstance(t, str) and t for t in tailnets)
    ):
        raise OrganisationError(f"{where}.tailnets: expected a list of tailnet names")
    permissions = _mapping(data.get("permissions") or {}, f"{where}.permissions")
    return Role(
        id=role_id,
        title=_text(data, "title", where),
        audience=_text(data, "audience", where, default=""),
        tailnets=tuple(tailnets),
        sign_in=_text(data, "sign_in", where),
        kubeconfig_from=_text(data, "kubeconfig_from", where, default=""),
        permissions=Permissions(
            default=_text(permissions, "default", f"{where}.permissions", default=""),
            more=_text(permissions, "more", f"{where}.permissions", default=""),
        ),
        intro=_text(data, "intro", where, default=""),
    )


_REQUIRED = object()


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise OrganisationError(f"{where}: expected a mapping, found {type(value).__name__}")
    return value


def _text(data: Mapping[str, Any], key: str, where: str, default: object = _REQUIRED) -> str:
    value = data.get(key)
    if value is None or value == "":
        if default is _REQUIRED:
            raise OrganisationError(f"{where}.{key}: missing")
        return str(default)
    if not isinstance(value, str | int | float):
        raise OrganisationError(f"{where}.{key}: expected text, found {type(value).__name__}")
    return str(value)


def default_organisation_path() -> Path | None:
    """Where the CLI finds the organisation data when `--organisation` is not given.

    `$ORGANISATION_FILE`, else organisation.yml at the repository root (next to
    the checker package), else a copy packaged inside checker/.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    package = Path(__file__).resolve().parent
    for candidate in (package.parent / "organisation.yml", package / "organisation.yml"):
        if candidate.is_file():
            return candidate
    return None
