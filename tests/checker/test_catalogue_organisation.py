"""The check catalogue and the organisation data: the two sources every message comes from."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support import CASES_DIR, REPO, STEP_IDS

from checker.catalogue import (
    INPUT_LAYER,
    fill,
    load_catalogue,
    parse_catalogue,
    placeholder_names,
    placeholders,
)
from checker.organisation import (
    Organisation,
    OrganisationError,
    load_organisation,
    load_organisation_file,
    organisation_from_dict,
    organisation_path,
)

ORG_HEAD = (
    "organisation: {name: X}\n"
    "tailscale: {identity_provider: G, admins: a, cluster_admins: c, contact: c}\n"
)


def test_layers_are_the_stable_contract() -> None:
    assert [layer.id for layer in load_catalogue().layers] == [
        "tailscale",
        "account",
        "device",
        "kubeconfig",
        "network",
        "credentials",
        "rbac",
    ]


def test_every_check_is_well_formed(organisation: Organisation) -> None:
    catalogue = load_catalogue()
    layers = {layer.id for layer in catalogue.layers} | {INPUT_LAYER}
    known = set(placeholders(organisation, None))
    for check in catalogue.checks.values():
        assert check.layer in layers
        assert check.id.startswith(check.layer + "-"), check.id
        assert check.step in STEP_IDS, check.id
        assert check.symptom and check.fix
        assert placeholder_names(check.fix) <= known, check.id
        assert placeholder_names(check.symptom) <= known, check.id
        assert "{" not in fill(check.fix, organisation, "staff"), check.id


def test_duplicate_ids_are_refused() -> None:
    check = "- {id: a, layer: input, symptom: s, fix: f}\n"
    text = "layers: []\nchecks:\n" + check + check
    with pytest.raises(ValueError, match="listed twice"):
        parse_catalogue(text)


def checker_source() -> str:
    return "\n".join(p.read_text() for p in (REPO / "checker").rglob("*.py"))


def test_every_check_id_in_the_code_is_in_the_catalogue() -> None:
    """Any string that looks like a check id must be one (a typo would raise in diagnose)."""
    layer_prefix = "|".join(["input", *(layer.id for layer in load_catalogue().layers)])
    ids = set(re.findall(rf'"((?:{layer_prefix})-[a-z0-9-]+)"', checker_source()))
    # Not check ids: an input box name and a kubectl line kind.
    ids -= {"tailscale-status", "tailscale-daemon"}
    assert len(ids) > 40
    assert ids <= set(load_catalogue().checks), ids - set(load_catalogue().checks)


def test_every_catalogue_check_can_be_produced_and_is_tested() -> None:
    source = checker_source()
    tested = "\n".join(p.read_text() for p in Path(__file__).parent.glob("test_*.py"))
    for case in CASES_DIR.glob("*/case.json"):
        tested += json.dumps(json.loads(case.read_text()).get("findings", []))
    for check_id in load_catalogue().checks:
        assert f'"{check_id}"' in source, f"{check_id} is never produced"
        assert f'"{check_id}"' in tested, f"{check_id} has no test or case"


def test_fill_uses_the_role(organisation: Organisation) -> None:
    text = "{tailnet} {role_title} {sign_in} {admins} {unknown}"
    assert fill(text, organisation, "contractor") == (
        "hotosm-contractors@hotosm Contractor the GitHub account provided for the contract "
        "a Tailscale admin {unknown}"
    )
    assert fill("{tailnet}", organisation, None) == "user@hotosm"
    assert fill("{tailnet}", organisation, "staff", ("x@y",)) == "x@y"


def test_repo_organisation(organisation: Organisation) -> None:
    assert [r.id for r in organisation.roles] == ["staff", "contractor"]
    assert organisation.role("contractor").tailnets == ("hotosm-contractors@hotosm",)  # type: ignore[union-attr]
    assert organisation.role_of_tailnet("USER@hotosm").id == "staff"  # type: ignore[union-attr]
    assert organisation.site_url == "https://hotosm.github.io/k8s-tailnet-access/"
    assert organisation.all_tailnets == ("user@hotosm", "hotosm-contractors@hotosm")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n", "the organisation data: expected a mapping"),
        ("organisation: {name: X}\n", "tailscale: expected a mapping"),
        (
            ORG_HEAD + "kubernetes: {}\nroles: {}\n",
            "roles: expected at least one role",
        ),
        (
            ORG_HEAD + "kubernetes: {}\nroles: {r: {title: R, sign_in: s}}\n",
            "roles.r.tailnets: expected a list of tailnet names",
        ),
        (
            ORG_HEAD.replace("admins: a,", "admins: [a],")
            + "kubernetes: {}\nroles: {r: {title: R, sign_in: s, tailnets: [t]}}\n",
            "tailscale.admins: expected text",
        ),
        ("organisation: [\n", "not valid YAML"),
    ],
)
def test_bad_organisation_data(text: str, message: str) -> None:
    with pytest.raises(OrganisationError, match=re.escape(message)):
        load_organisation(text)


def test_organisation_from_parsed_json() -> None:
    data = json.loads(json.dumps(load_organisation_data()))
    assert organisation_from_dict(data).short_name == "HOT"


def load_organisation_data() -> object:
    from checker.parse import yamltree

    value, _ = yamltree.load((REPO / "organisation.yml").read_text())
    return value


def test_default_organisation_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ORGANISATION_FILE", raising=False)
    assert organisation_path() == REPO / "organisation.yml"
    monkeypatch.setenv("ORGANISATION_FILE", str(tmp_path / "o.yml"))
    assert organisation_path() == tmp_path / "o.yml"
    assert organisation_path("given.yml") == Path("given.yml")


MINIMAL = ORG_HEAD + "roles: {r: {title: R, sign_in: s, tailnets: [t]}}\n"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # YAML 1.2 reads these as a string, a number and a date: one of them is not text.
        (
            ("tailnets: [t]", "tailnets: [yes, 0o17, 2024-01-01]"),
            "roles.r.tailnets[1]: expected a tailnet name (text), found the number 15 "
            "(put it in quotes)",
        ),
        (("tailnets: [t]", "tailnets: []"), "roles.r.tailnets: expected a list of tailnet "
         "names, found an empty list"),
        (("title: R", "title: R, titel: S"), "roles.r.titel: not a key this file has"),
        (("{name: X}", "{name: X, site_ulr: y}"), "organisation.site_ulr: not a key"),
        (("roles: {r:", "roles: {R r:"), "roles.R r: expected a role id of lower-case"),
        (("{name: X}", "{name: X, colors: {primary: 'red; }'}}"),
         "organisation.colors.primary: expected a hex colour"),
        (("{name: X}", "{name: X, site_url: docs.example.org}"),
         "organisation.site_url: expected an http(s):// address"),
        (("{name: X}", "{name: X, colors: [red]}"),
         "organisation.colors: expected a mapping, found a list"),
        (("contact: c", "contact: 42"), "tailscale.contact: expected text, found the number 42"),
        (("sign_in: s, ", ""), "roles.r.sign_in: expected text, found nothing"),
    ],
)
def test_one_clear_error_naming_the_key(change: tuple[str, str], message: str) -> None:
    assert change[0] in MINIMAL
    with pytest.raises(OrganisationError, match=re.escape(message)):
        load_organisation(MINIMAL.replace(*change))


def test_defaults_fill_in_what_the_file_leaves_out() -> None:
    organisation = load_organisation(MINIMAL)
    assert organisation.org.short_name == "X"
    assert organisation.org.site_name == "X Kubernetes access"
    assert organisation.kubernetes.test_command == "kubectl get namespaces"
    assert organisation.roles[0].guide_title == "Connecting as R"
    assert organisation.roles[0].guide == "connect/r/"


def test_the_browser_gets_the_same_organisation(organisation: Organisation) -> None:
    data = json.loads(json.dumps(organisation.to_dict()))
    assert organisation_from_dict(data) == organisation
    assert list(data["roles"]) == ["staff", "contractor"]


def test_the_file_is_named_in_its_errors(tmp_path: Path) -> None:
    bad = tmp_path / "org.yml"
    bad.write_bytes(b"organisation: {name: \xff}\n")
    with pytest.raises(OrganisationError, match=f"{re.escape(str(bad))}: expected UTF-8"):
        load_organisation_file(bad)
    with pytest.raises(OrganisationError, match="cannot read the organisation file"):
        load_organisation_file(tmp_path / "missing.yml")
    bad.write_text(MINIMAL.replace("contact: c", "contact: [c]"))
    with pytest.raises(OrganisationError, match=f"{re.escape(str(bad))}: tailscale.contact"):
        load_organisation_file(bad)
