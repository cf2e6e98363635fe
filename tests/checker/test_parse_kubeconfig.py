"""The kubeconfig parser and the YAML loader under it."""

from __future__ import annotations

import json

import pytest
from checker_testkit import GOOD

from checker.boxes import KUBECONFIG
from checker.model import Kubeconfig
from checker.parse import yamltree
from checker.parse.kubeconfig import parse_kubeconfig
from checker.text import open_box


def parse(text: str) -> tuple[Kubeconfig | None, list[str]]:
    box, problem = open_box(KUBECONFIG, text)
    assert box is not None and problem is None
    kc, problems = parse_kubeconfig(box)
    return kc, [p.id for p in problems]


def test_corpus_kubeconfig_model_and_lines() -> None:
    kc, problems = parse((GOOD / "kubeconfig.yaml").read_text())
    assert problems == [] and kc is not None
    assert kc.current_context == "hot-prod" and kc.current_context_line == 14
    (cluster,) = kc.clusters
    assert cluster.server == "https://100.101.7.20:6443" and cluster.server_line == 7
    assert cluster.ca_data_line == 8
    (user,) = kc.users
    assert user.methods() == ("client certificate",)
    assert user.client_cert_line == 18 and user.client_key_line == 19
    context = kc.context("hot-prod")
    assert context is not None and context.cluster == "hot-prod" and context.user == "me"
    # Every *-data value is a secret the report must never show.
    assert user.client_key_data in kc.secrets and cluster.ca_data in kc.secrets


def test_json_kubeconfig_has_lines_too() -> None:
    text = json.dumps(
        {
            "clusters": [{"name": "c", "cluster": {"server": "https://100.64.0.1"}}],
            "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
            "current-context": "x",
            "users": [{"name": "u", "user": {"token": "abcdefgh12345678"}}],
        },
        indent=2,
    )
    kc, problems = parse(text)
    assert problems == [] and kc is not None
    assert kc.clusters[0].server_line == 6
    assert kc.users[0].token == "abcdefgh12345678"
    assert "abcdefgh12345678" in kc.secrets


def test_tabs_in_json_kubeconfig() -> None:
    text = '{\n\t"clusters": [],\n\t"contexts": [],\n\t"users": [],\n\t"current-context": ""\n}'
    kc, problems = parse(text)
    assert problems == [] and kc is not None and kc.current_context is None


def test_operator_proxy_token_unused_is_not_a_secret() -> None:
    kc, _ = parse(
        "users:\n- name: tailscale-auth\n  user:\n    token: unused\ncurrent-context: x\n"
    )
    assert kc is not None and kc.users[0].token == "unused" and "unused" not in kc.secrets


def test_exec_and_auth_provider() -> None:
    kc, _ = parse(
        "users:\n- name: a\n  user:\n    exec:\n      command: kubelogin\n"
        "- name: b\n  user:\n    auth-provider:\n      name: oidc\n      config:\n"
        "        id-token: eyJhbGciOi.eyJzdWIiOi.c2ln\n        refresh-token: r3fr3sh-t0k3n-value\n"
        "contexts: []\n"
    )
    assert kc is not None
    assert kc.users[0].exec_command == "kubelogin" and kc.users[0].methods() == ("exec plugin",)
    assert kc.users[1].auth_provider == "oidc"
    assert {"eyJhbGciOi.eyJzdWIiOi.c2ln", "r3fr3sh-t0k3n-value"} <= kc.secrets


def test_kubectl_config_view_output_is_flagged() -> None:
    text = (GOOD / "kubeconfig.yaml").read_text()
    for line in text.splitlines():
        if "-data:" in line:
            text = text.replace(line.split(": ")[1], "DATA+OMITTED")
    kc, _ = parse(text)
    assert kc is not None and kc.data_omitted


def test_malformed_entries_are_skipped_not_fatal() -> None:
    kc, problems = parse(
        "clusters:\n- just a string\n- name: c\n  cluster: [1, 2]\n- name: d\n"
        "contexts: null\nusers: {a: b}\ncurrent-context: 5\n"
    )
    assert problems == [] and kc is not None
    assert [c.name for c in kc.clusters] == ["c", "d"]
    assert kc.clusters[0].server is None
    assert kc.contexts == () and kc.users == ()
    assert kc.current_context == "5"


def test_last_entry_with_a_name_wins() -> None:
    kc, _ = parse(
        "clusters:\n- name: c\n  cluster: {server: https://1.1.1.1}\n"
        "- name: c\n  cluster: {server: https://100.64.0.1}\ncontexts: []\n"
    )
    assert kc is not None and kc.cluster("c") is not None
    assert kc.cluster("c").server == "https://100.64.0.1"  # type: ignore[union-attr]


def test_syntax_error_is_kept_for_the_kubeconfig_layer() -> None:
    kc, problems = parse("clusters:\n- name: a\n  cluster:\n    server: [x\ncontexts: []\n")
    assert problems == [] and kc is not None
    assert kc.unreadable and kc.unreadable_line == 5


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: 1\n---\nb: 2\n", "input-kubeconfig-multiple-documents"),
        ("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n", "input-kubeconfig-not-kubeconfig"),
        ("- a\n- b\n", "input-kubeconfig-not-kubeconfig"),
        ("# only a comment\n", "input-kubeconfig-not-kubeconfig"),
        ("hello world\n", "input-kubeconfig-not-kubeconfig"),
        ((GOOD / "tailscale-status.json").read_text(), "input-wrong-box"),
        (
            "Unable to connect to the server: dial tcp 100.64.0.1:443: i/o timeout\n",
            "input-wrong-box",
        ),
        (
            "failed to connect to local tailscaled; it doesn't appear to be running\n",
            "input-wrong-box",
        ),
        ("[" * 5000, "input-too-complex"),
        ("- " * 5000 + "x", "input-too-complex"),
    ],
)
def test_unusable_kubeconfigs(text: str, problem: str) -> None:
    kc, problems = parse(text)
    assert kc is None and problems == [problem]


def test_billion_laughs_is_refused_quickly() -> None:
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        prev, name = chr(96 + i), chr(97 + i)
        levels.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    value, problem = yamltree.load("\n".join(levels) + "\n")
    assert value is None and problem is not None and problem.kind == "complexity"
    assert "alias" in problem.message


def test_small_aliases_are_fine_and_shared() -> None:
    value, problem = yamltree.load("base: &b {server: x}\none: *b\ntwo: *b\n")
    assert problem is None
    assert value["one"] is value["two"] and value["one"] == {"server": "x"}


def test_yaml_scalars() -> None:
    value, _ = yamltree.load("t: true\nf: False\nn: ~\ni: 12\nh: 0x10\ns: '12'\nv: 1.5\n")
    assert value == {"t": True, "f": False, "n": None, "i": 12, "h": 16, "s": "12", "v": "1.5"}
    assert value.lines == {"t": 1, "f": 2, "n": 3, "i": 4, "h": 5, "s": 6, "v": 7}


def test_yaml_duplicate_keys_keep_the_first() -> None:
    value, problem = yamltree.load("a: 1\na: 2\n")
    assert problem is None and value == {"a": 1}


def test_reused_anchor_is_not_a_warning() -> None:
    # pytest turns warnings into errors here, as it should for the checker's own code.
    value, problem = yamltree.load("a: &x 1\nb: &x 2\nc: *x\n")
    assert problem is None and value == {"a": 1, "b": 2, "c": 2}
