"""The parsed model: what the checker understood from each pasted text.

Parsers (checker/parse/) turn texts into these frozen values; layers
(checker/layers/) read them and yield `Problem`s; the engine turns problems into
report findings. Line numbers are 1-based and point into the box's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# What `kubectl config view` (without --raw) writes instead of certificates and tokens.
OMITTED = ("DATA+OMITTED", "REDACTED")


@dataclass(frozen=True)
class Problem:
    """One thing wrong, as a check or parser sees it. The engine adds the rest."""

    id: str
    message: str
    source: str | None = None
    line: int | None = None
    severity: str | None = None  # None: the catalogue's default for `id`
    # The line did not parse: quote it with any value hidden that could be a secret's
    # (an exec env entry's `value:` says nothing of its name there).
    unparsed: bool = False


# --- tailscale status --------------------------------------------------------


@dataclass(frozen=True)
class Peer:
    key: str
    host_name: str
    dns_name: str  # lower case, no trailing dot; "" when unknown
    ips: tuple[str, ...]
    online: bool | None  # None: clients before v1.20 do not say
    expired: bool
    key_expiry: datetime | None
    line: int | None = None
    online_line: int | None = None
    expiry_line: int | None = None
    tags: tuple[str, ...] = ()  # a tagged device's tags (the operator's proxy: tag:k8s-operator)

    @property
    def label(self) -> str:
        name = self.dns_name.split(".")[0] if self.dns_name else self.host_name
        return name or self.key


@dataclass(frozen=True)
class TextSignal:
    """A recognised line of non-JSON Tailscale output (an error or text-mode state)."""

    kind: str
    line: int
    detail: str = ""


@dataclass(frozen=True)
class Status:
    """`tailscale status --json` output, or the Tailscale message pasted instead."""

    form: str  # "json" | "text"
    backend_state: str | None = None
    backend_state_line: int | None = None
    auth_url_waiting: bool = False
    tailnet: str | None = None
    tailnet_line: int | None = None
    magic_dns_suffix: str | None = None
    in_network_map: bool | None = None
    self_known: bool = False  # the status has this device's own entry (Self)
    self_host_name: str = ""
    self_dns_name: str = ""
    self_ips: tuple[str, ...] = ()
    self_expired: bool = False
    self_expired_line: int | None = None
    self_key_expiry: datetime | None = None
    self_key_expiry_line: int | None = None
    health: tuple[tuple[str, int | None], ...] = ()
    peers: tuple[Peer, ...] = ()
    peers_known: bool = False
    extra_names: tuple[str, ...] = ()
    version: str | None = None
    login_name: str | None = None
    signals: tuple[TextSignal, ...] = ()
    # The tailnet's HTTPS certificate domains; None: the status does not say (old
    # clients), () : HTTPS certificates are off for the tailnet (or not connected).
    cert_domains: tuple[str, ...] | None = None
    cert_domains_line: int | None = None
    # False: userspace networking, where other programs cannot reach 100.x addresses.
    tun: bool | None = None
    tun_line: int | None = None
    magic_dns_enabled: bool | None = None
    magic_dns_line: int | None = None
    self_tags: tuple[str, ...] = ()
    # The exit node in use: its name, whether it is online and the line that says so.
    exit_node: str | None = None
    exit_node_online: bool | None = None
    exit_node_line: int | None = None

    def health_line(self, text: str) -> tuple[str, int | None] | None:
        """The first health message that contains `text`, with its line."""
        return next(((h, line) for h, line in self.health if text in h), None)

    def signal(self, *kinds: str) -> TextSignal | None:
        return next((s for s in self.signals if s.kind in kinds), None)

    @property
    def has_netmap(self) -> bool:
        return bool(self.tailnet) or self.in_network_map is True


# --- kubeconfig ----------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    """What a diagnosis needs of an X.509 certificate (the signature is never checked)."""

    common_name: str | None
    organisations: tuple[str, ...]
    not_before: datetime
    not_after: datetime

    @property
    def identity(self) -> str:
        """The Kubernetes user and groups of a client certificate: CN and O."""
        parts = [f"CN={self.common_name}"] if self.common_name else []
        parts += [f"O={o}" for o in self.organisations]
        return ", ".join(parts) or "(no subject)"


@dataclass(frozen=True)
class CertificateData:
    """A `*-data` field decoded: its certificates, or in words why it holds none."""

    certificates: tuple[Certificate, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class TokenClaims:
    """The claims of a bearer token that is a JWT (decoded, never verified)."""

    subject: str | None
    issuer: str | None
    expires: datetime | None
    not_before: datetime | None


@dataclass(frozen=True)
class Cluster:
    name: str
    line: int
    server: str | None = None
    server_line: int | None = None
    ca_data: str | None = None
    ca_data_line: int | None = None
    ca_file: str | None = None
    insecure: bool = False
    insecure_line: int | None = None
    tls_server_name: str | None = None
    # Decoded for the cluster the current context uses (None: no data, or omitted).
    ca: CertificateData | None = None


@dataclass(frozen=True)
class User:
    name: str
    line: int
    client_cert_data: str | None = None
    client_cert_line: int | None = None
    client_cert_file: str | None = None
    client_key_data: str | None = None
    client_key_line: int | None = None
    client_key_file: str | None = None
    token: str | None = None
    token_line: int | None = None
    token_file: str | None = None
    username: str | None = None
    password: str | None = None
    basic_line: int | None = None
    exec_command: str | None = None
    exec_line: int | None = None
    auth_provider: str | None = None
    auth_provider_line: int | None = None
    # Decoded for the user the current context uses (None: no data, omitted, not a JWT).
    client_certificate: CertificateData | None = None
    token_claims: TokenClaims | None = None

    def methods(self) -> tuple[str, ...]:
        found = []
        if (
            self.client_cert_data
            or self.client_cert_file
            or self.client_key_data
            or (self.client_key_file)
        ):
            found.append("client certificate")
        if self.token or self.token_file:
            found.append("token")
        if self.username or self.password:
            found.append("username and password")
        if self.exec_command is not None:
            found.append("exec plugin")
        if self.auth_provider is not None:
            found.append("auth provider")
        return tuple(found)


def program(command: str) -> str:
    """An exec plugin's program by its name only: its path or inline arguments can say
    more than a support request needs (a home folder, a password)."""
    words = command.strip().split()
    return words[0].replace("\\", "/").rsplit("/", 1)[-1] if words else command


@dataclass(frozen=True)
class Context:
    name: str
    line: int
    cluster: str | None = None
    cluster_line: int | None = None
    user: str | None = None
    user_line: int | None = None
    namespace: str | None = None


@dataclass(frozen=True)
class Kubeconfig:
    """A kubeconfig that loaded as a YAML/JSON mapping (or why it did not)."""

    unreadable: str | None = None  # the YAML/JSON error when it did not load
    unreadable_line: int | None = None
    current_context: str | None = None
    current_context_line: int | None = None
    clusters: tuple[Cluster, ...] = ()
    users: tuple[User, ...] = ()
    contexts: tuple[Context, ...] = ()
    data_omitted: bool = False  # `kubectl config view` without --raw
    secrets: frozenset[str] = field(default_factory=frozenset)

    def context(self, name: str | None) -> Context | None:
        return _named(self.contexts, name)

    def cluster(self, name: str | None) -> Cluster | None:
        return _named(self.clusters, name)

    def user(self, name: str | None) -> User | None:
        return _named(self.users, name)


def _named[T: (Cluster, User, Context)](items: tuple[T, ...], name: str | None) -> T | None:
    if name is None:
        return None
    # client-go turns the lists into maps, so the last entry with a name wins.
    return next((item for item in reversed(items) if item.name == name), None)


# --- kubectl output --------------------------------------------------------------


@dataclass(frozen=True)
class KubectlSignal:
    """One recognised kubectl line: what kind of failure (or success) it shows."""

    kind: str
    line: int
    host: str | None = None  # the server host the line names, if any
    port: str | None = None
    detail: str = ""  # context name, exec command, SAN list...
    user: str | None = None  # Forbidden: who, doing what, where
    verb: str | None = None
    resource: str | None = None
    group: str | None = None
    namespace: str | None = None


@dataclass(frozen=True)
class Whoami:
    """What `kubectl auth whoami` (table or -o json) says Kubernetes sees you as."""

    username: str | None
    groups: tuple[str, ...]
    line: int  # the Username line (the table) or the review's first line (JSON)
    groups_line: int | None = None


@dataclass(frozen=True)
class KubectlOutput:
    signals: tuple[KubectlSignal, ...] = ()
    whoami: Whoami | None = None

    def last(self, *kinds: str) -> KubectlSignal | None:
        # The summary line comes last; memcache lines before it repeat the cause.
        return next((s for s in reversed(self.signals) if s.kind in kinds), None)
