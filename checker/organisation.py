"""The organisation data (organisation.yml): who the site and the checker are for.

One file names the organisation, its tailnets per role and the people to ask. The
guides, the troubleshooting page, the checker page and every checker message take
their names from here, so another team publishes the whole thing for itself by
editing only that file.

This module is the file's one schema: every key is declared once below, as a field of
the frozen dataclass of its section, with its type and its default (a field without
a default is required). One loader reads the file (`load_organisation_file`, through
`yamltree`, the YAML reader the kubeconfig parser uses too) and every consumer gets
the same `Organisation`: the site build (hooks/), the pages (macros/), the CLI, and
the browser, which receives `to_dict()` and rebuilds it with `organisation_from_dict`.
A wrong value fails with one `OrganisationError` that names the key, says what was
expected and what was found.
"""

from __future__ import annotations

import dataclasses
import os
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.parse import yamltree

ENV_VAR = "ORGANISATION_FILE"
FILE_NAME = "organisation.yml"


class OrganisationError(ValueError):
    """The organisation data is missing a key, or a key has a wrong value."""


# --- the schema: one dataclass per section, one field per key --------------------


@dataclass(frozen=True)
class Colours:
    """Brand colours (CSS colours) for the light and dark palettes."""

    primary: str = "#1f5f99"
    primary_dark: str = "#174a78"
    accent: str = "#2c3038"
    # Text and icons on the primary colour (the header).
    on_primary: str = "#ffffff"


@dataclass(frozen=True)
class About:
    """The `organisation:` section: names, where the site lives, colours."""

    name: str
    short_name: str = ""  # default: the name
    # Shown in the header, the browser tab and the search index.
    site_name: str = ""  # default: "<short name> Kubernetes access"
    site_description: str = ""
    # Where the site is published; the CLI prints links under it.
    site_url: str = ""
    repo_url: str = ""
    repo_name: str = ""
    # Appended to repo_url for the "edit this page" link.
    edit_uri: str = "edit/main/docs/"
    copyright: str = ""  # default: the name
    colors: Colours = field(default_factory=Colours)

    def __post_init__(self) -> None:
        if not self.short_name:
            object.__setattr__(self, "short_name", self.name)
        if not self.site_name:
            object.__setattr__(self, "site_name", f"{self.short_name} Kubernetes access")
        if not self.copyright:
            object.__setattr__(self, "copyright", self.name)


@dataclass(frozen=True)
class Tailscale:
    """Sign-in and approvals shared by every role."""

    identity_provider: str
    # Who approves devices, removes them, and manages tailnet membership.
    admins: str
    # Who hands out kubeconfigs and changes Kubernetes RBAC.
    cluster_admins: str
    # How to reach them: plain text, may hold a URL or a chat channel.
    contact: str
    download_url: str = "https://tailscale.com/download"


# How kubectl reaches the API server over the tailnet (`kubernetes.path`).
OPERATOR_PROXY = "operator-proxy"  # the Tailscale Kubernetes operator's API server proxy
DIRECT = "direct"  # the control plane's own address on the tailnet
AUTH, NOAUTH = "auth", "noauth"


@dataclass(frozen=True)
class OperatorProxy:
    """The Tailscale Kubernetes operator's API server proxy: a device on the tailnet that
    ends TLS with a certificate for its MagicDNS name and forwards to the API server."""

    # Its device name on the tailnet (the Helm value operatorConfig.hostname); kubeconfigs
    # name it as https://<hostname>.<tailnet's MagicDNS domain>.
    hostname: str
    # auth: it impersonates the caller's tailnet login, with the Kubernetes groups the
    # tailnet policy's grant gives (apiServerProxyConfig.mode "true"); noauth: it passes
    # the kubeconfig's own credentials through ("noauth").
    mode: str = AUTH
    # The tag its device carries (the Helm value operatorConfig.defaultTags).
    tag: str = "tag:k8s-operator"


@dataclass(frozen=True)
class Kubernetes:
    # What the guides call the thing kubectl talks to.
    control_plane: str = "the cluster control plane"
    # The command every guide ends with; it must succeed for access to count as working.
    test_command: str = "kubectl get namespaces"
    # operator-proxy or direct.
    path: str = DIRECT
    # With path operator-proxy: the proxy.
    operator_proxy: OperatorProxy | None = None

    @property
    def proxy(self) -> OperatorProxy | None:
        """The proxy, when the organisation's path goes through it."""
        return self.operator_proxy if self.path == OPERATOR_PROXY else None


@dataclass(frozen=True)
class Permissions:
    """Default Kubernetes permissions of a role, one sentence each."""

    default: str = ""
    more: str = ""


@dataclass(frozen=True)
class Role:
    """One kind of person. Its id (the key under `roles:`) is a page address and a `--role`."""

    id: str
    title: str
    # Expected tailnet names (CurrentTailnet.Name); the guide tells people to pick the first.
    tailnets: tuple[str, ...] = field(metadata={"item": "tailnet name", "non_empty": True})
    sign_in: str
    guide_title: str = ""  # default: "Connecting as <title>"
    # Who this guide is for, as a sentence fragment after "for".
    audience: str = ""
    kubeconfig_from: str = ""
    permissions: Permissions = field(default_factory=Permissions)
    # An extra sentence at the top of the role's guide.
    intro: str = ""
    # With the proxy in auth mode: the Kubernetes groups the tailnet policy's grant
    # gives this role (`kubectl auth whoami` lists them).
    kubernetes_groups: tuple[str, ...] = field(default=(), metadata={"item": "group name"})

    def __post_init__(self) -> None:
        if not self.guide_title:
            object.__setattr__(self, "guide_title", f"Connecting as {self.title}")

    @property
    def tailnet(self) -> str:
        """The tailnet the guide tells people to select."""
        return self.tailnets[0]

    @property
    def guide(self) -> str:
        """The address of this role's guide, relative to the site root."""
        return f"connect/{self.id}/"

    @property
    def guide_source(self) -> str:
        """The guide's page in the docs (MkDocs links to pages by their source)."""
        return f"connect/{self.id}.md"


@dataclass(frozen=True)
class Organisation:
    """The whole file, section by section."""

    org: About
    tailscale: Tailscale
    kubernetes: Kubernetes
    roles: tuple[Role, ...]

    # The file's key for each field whose name differs from it.
    KEYS: typing.ClassVar[Mapping[str, str]] = {"org": "organisation"}

    @property
    def name(self) -> str:
        return self.org.name

    @property
    def short_name(self) -> str:
        return self.org.short_name

    @property
    def site_url(self) -> str:
        return self.org.site_url

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

    def to_dict(self) -> dict[str, Any]:
        """The data as the file holds it, every default filled in (what the browser gets)."""
        data: dict[str, Any] = _dump(self)
        return data


# Checks on single values, beyond their type.
# Role ids become page addresses (connect/<id>/) and `--role` values.
ROLE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# A hex colour: the build measures its contrast (site_build/colours.py).
HEX_COLOUR = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")
_CHECKS: dict[tuple[type, str], tuple[re.Pattern[str], str]] = {
    **{
        (Colours, name): (HEX_COLOUR, "a hex colour such as #c53030")
        for name in ("primary", "primary_dark", "accent", "on_primary")
    },
    (About, "site_url"): (URL, "an http(s):// address"),
    (About, "repo_url"): (URL, "an http(s):// address"),
    (Tailscale, "download_url"): (URL, "an http(s):// address"),
    (Kubernetes, "path"): (
        re.compile(f"^({OPERATOR_PROXY}|{DIRECT})$"),
        "operator-proxy or direct",
    ),
    (OperatorProxy, "mode"): (re.compile(f"^({AUTH}|{NOAUTH})$"), "auth or noauth"),
    (OperatorProxy, "hostname"): (
        re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"),
        "a device name of lower-case letters, digits and hyphens",
    ),
    (OperatorProxy, "tag"): (re.compile(r"^tag:[A-Za-z0-9-]+$"), "a tag such as tag:k8s-operator"),
}


# --- reading: the file, a text, or already parsed data ----------------------------


def organisation_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Which file to read: `explicit` (the CLI's --organisation), else $ORGANISATION_FILE,
    else organisation.yml at the repository root (next to the checker package), else the
    copy packaged inside checker/. Relative paths are relative to the current folder.
    """
    chosen = explicit or os.environ.get(ENV_VAR)
    if chosen:
        return Path(chosen)
    package = Path(__file__).resolve().parent
    candidates = (package.parent / FILE_NAME, package / FILE_NAME)
    return next((c for c in candidates if c.is_file()), candidates[0])


def load_organisation_file(path: Path) -> Organisation:
    """Read and check the file; every problem names the file (and the key)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise OrganisationError(
            f"cannot read the organisation file {path}: {error.strerror or error}"
        ) from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise OrganisationError(
            f"{path}: expected UTF-8 text, found a byte that is not (at offset {error.start})"
        ) from error
    try:
        return load_organisation(text)
    except OrganisationError as error:
        raise OrganisationError(f"{path}: {error}") from error


def load_organisation(text: str) -> Organisation:
    """Parse organisation.yml text; raise OrganisationError with the reason."""
    data, problem = yamltree.load(text)
    if problem is not None:
        raise OrganisationError(f"organisation data is not valid YAML: {problem.message}")
    return organisation_from_dict(data)


def organisation_from_dict(data: object) -> Organisation:
    """Build the model from parsed data; raise OrganisationError naming the bad key."""
    top = _mapping(data, "the organisation data")
    _no_unknown_keys(Organisation, top, "")
    # In the file's order, so that the first problem reported is the first in the file.
    org = _section(About, top.get("organisation"), "organisation")
    tailscale = _section(Tailscale, top.get("tailscale"), "tailscale")
    kubernetes = _section(Kubernetes, top.get("kubernetes"), "kubernetes", optional=True)
    if kubernetes.path == OPERATOR_PROXY and kubernetes.operator_proxy is None:
        raise OrganisationError(
            "kubernetes.operator_proxy: expected the proxy's hostname (and mode), since "
            "kubernetes.path is operator-proxy, found nothing"
        )
    roles = _mapping(top.get("roles"), "roles")
    if not roles:
        raise OrganisationError("roles: expected at least one role, found none")
    return Organisation(
        org=org,
        tailscale=tailscale,
        kubernetes=kubernetes,
        roles=tuple(_role(role_id, value) for role_id, value in roles.items()),
    )


def _role(role_id: object, value: object) -> Role:
    where = f"roles.{role_id}"
    if not isinstance(role_id, str) or not ROLE_ID.match(role_id):
        raise OrganisationError(
            f"{where}: expected a role id of lower-case letters, digits and hyphens "
            f"(it becomes a page address), found {role_id!r}"
        )
    data = {**_mapping(value, where), "id": role_id}
    return _section(Role, data, where)


def _section[T](cls: type[T], value: object, where: str, *, optional: bool = False) -> T:
    """One dataclass from a mapping, each field checked against its declared type."""
    if value is None and optional:
        value = {}
    data = _mapping(value, where)
    _no_unknown_keys(cls, data, where)
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        key = f"{where}.{f.name}"
        given = data.get(f.name)
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if given is None or given == "":
            if required:
                expected = _expected(hints[f.name])
                raise OrganisationError(f"{key}: expected {expected}, found nothing")
            continue
        values[f.name] = _value(hints[f.name], given, key, f.metadata)
        check = _CHECKS.get((cls, f.name))
        if check and not check[0].match(values[f.name]):
            raise OrganisationError(f"{key}: expected {check[1]}, found {given!r}")
    return cls(**values)


def _value(hint: Any, given: object, key: str, meta: Mapping[str, Any]) -> Any:
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        (hint,) = (arg for arg in typing.get_args(hint) if arg is not type(None))
    if hint is str:
        if not isinstance(given, str):
            raise OrganisationError(
                f"{key}: expected text, found {_found(given)}"
                + (" (put it in quotes)" if _is_scalar(given) else "")
            )
        return given
    if typing.get_origin(hint) is tuple:
        item = meta.get("item", "name")
        if not isinstance(given, list) or (meta.get("non_empty") and not given):
            raise OrganisationError(f"{key}: expected a list of {item}s, found {_found(given)}")
        for i, value in enumerate(given):
            if not isinstance(value, str) or not value.strip():
                raise OrganisationError(
                    f"{key}[{i}]: expected a {item} (text), found {_found(value)}"
                    + (" (put it in quotes)" if _is_scalar(value) else "")
                )
        return tuple(given)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _section(hint, given, key)
    raise TypeError(f"no reader for {hint!r}")  # a field type this module does not know


def _expected(hint: Any) -> str:
    if hint is str:
        return "text"
    if typing.get_origin(hint) is tuple:
        return "a list of tailnet names"
    return "a mapping"


def _no_unknown_keys(cls: type, data: Mapping[str, Any], where: str) -> None:
    keys = getattr(cls, "KEYS", {})
    known = {keys.get(f.name, f.name) for f in dataclasses.fields(cls)}
    unknown = [k for k in data if k not in known]
    if unknown:
        prefix = f"{where}." if where else ""
        raise OrganisationError(
            f"{prefix}{unknown[0]}: not a key this file has; expected one of "
            f"{', '.join(sorted(known - {'id'}))}"
        )


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise OrganisationError(f"{where}: expected a mapping, found {_found(value)}")
    return value


def _is_scalar(value: object) -> bool:
    return isinstance(value, bool | int | float)


def _found(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the truth value {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "an empty text" if not value.strip() else f"the text {value!r}"
    if isinstance(value, list):
        return "an empty list" if not value else "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def _dump(value: Any) -> Any:
    if isinstance(value, Organisation):
        return {
            "organisation": _dump(value.org),
            "tailscale": _dump(value.tailscale),
            "kubernetes": _dump(value.kubernetes),
            "roles": {role.id: {k: v for k, v in _dump(role).items() if k != "id"}
                      for role in value.roles},
        }  # fmt: skip
    if dataclasses.is_dataclass(value):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_dump(v) for v in value]
    return value

