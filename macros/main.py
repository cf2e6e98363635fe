"""The Jinja variables and macros that the pages are written with (mkdocs-macros).

Pages never name the organisation, its tailnets, its sign-in or its admins: they use
these variables, filled from the organisation file that hooks/organisation.py loaded,
and the troubleshooting page is rendered from checker/catalogue.yml, the catalogue the
checker reports from. So a guide step, a troubleshooting entry and a checker finding
cannot disagree, and another organisation re-brands the site by editing data only.

Variables: `org`, `tailscale`, `kubernetes` (sections of the organisation file),
`roles` (one dict per role, in file order), `steps` (the guide steps, in order),
`layers` (the access layers, each with its `checks`) and `input_checks`.
Macros: `step`, `fill`, `per_role`, `step_links`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = REPO / "checker" / "catalogue.yml"
# The guide steps: written once, rendered into every role's guide.
STEPS_TEMPLATE = "_templates/steps.md"
# How steps.md declares a step; read here too so other pages can link to steps by title.
STEP_CALL = re.compile(r"""\{\{\s*step\(\s*"([a-z0-9-]+)"\s*,\s*"([^"]+)"\s*\)\s*\}\}""")
# A {placeholder} in a catalogue text; other braces (JSON's `{`) are text.
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# Checks about what the reader pasted rather than an access layer; listed last.
INPUT_LAYER = "input"


def role_context(role_id: str, role: dict[str, Any]) -> dict[str, Any]:
    """One role as the templates use it: the file's keys plus its id, tailnet and page."""
    return {
        **role,
        "id": role_id,
        "tailnet": role["tailnets"][0],
        "intro": role.get("intro") or "",
        "guide_title": role.get("guide_title") or f"Connecting as {role['title']}",
        "page": f"/connect/{role_id}.md",
    }


def placeholder_values(data: dict[str, Any], role: dict[str, Any]) -> dict[str, str]:
    """What the catalogue's {placeholders} stand for, for a reader in `role`."""
    return {
        "org": data["organisation"]["short_name"],
        **{
            key: data["tailscale"][key]
            for key in ("admins", "cluster_admins", "contact", "identity_provider", "download_url")
        },
        "control_plane": data["kubernetes"]["control_plane"],
        "test_command": data["kubernetes"]["test_command"],
        "tailnet": role["tailnet"],
        "role_title": role["title"],
        "sign_in": role["sign_in"],
    }


def parse_steps(template: str) -> list[dict[str, Any]]:
    """The steps declared in steps.md, numbered in the order they appear."""
    found = STEP_CALL.findall(template)
    ids = [step_id for step_id, _ in found]
    duplicates = sorted({step_id for step_id in ids if ids.count(step_id) > 1})
    if duplicates:
        raise ValueError(f"{STEPS_TEMPLATE}: expected each step id once, found {duplicates} twice")
    return [
        {"id": step_id, "title": title, "number": number}
        for number, (step_id, title) in enumerate(found, start=1)
    ]


def load_catalogue(step_ids: set[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The access layers with their checks, and the checks about the reader's input."""
    catalogue = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    # Checks of the `input` layer get their own last section, whether or not the
    # catalogue lists that layer.
    layers = [
        {**layer, "checks": []} for layer in catalogue["layers"] if layer["id"] != INPUT_LAYER
    ]
    by_id = {layer["id"]: layer for layer in layers}
    input_checks = []
    for check in catalogue["checks"]:
        where = f"{CATALOGUE.name}: check {check.get('id')!r}"
        if check.get("step") not in step_ids:
            raise ValueError(
                f"{where}: expected `step` to be one of {sorted(step_ids)}, "
                f"found {check.get('step')!r}"
            )
        if check["layer"] == INPUT_LAYER:
            input_checks.append(check)
        elif check["layer"] in by_id:
            by_id[check["layer"]]["checks"].append(check)
        else:
            raise ValueError(
                f"{where}: expected `layer` to be one of {sorted(by_id)} or {INPUT_LAYER!r}, "
                f"found {check['layer']!r}"
            )
    return layers, input_checks


def define_env(env: Any) -> None:
    try:
        data = env.conf["extra"]["organisation_data"]
    except KeyError:
        raise RuntimeError(
            "Expected the organisation data from hooks/organisation.py: list that hook "
            "under `hooks:` in mkdocs.yml."
        ) from None
    roles = [role_context(role_id, role) for role_id, role in data["roles"].items()]
    docs_dir = Path(env.conf["docs_dir"])
    steps = parse_steps((docs_dir / STEPS_TEMPLATE).read_text(encoding="utf-8"))
    steps_by_id = {step["id"]: step for step in steps}
    layers, input_checks = load_catalogue(set(steps_by_id))

    env.variables.update(
        {
            "org": data["organisation"],
            "tailscale": data["tailscale"],
            "kubernetes": data["kubernetes"],
            "roles": roles,
            "roles_by_id": {role["id"]: role for role in roles},
            "steps": steps,
            "layers": layers,
            "input_checks": input_checks,
        }
    )

    @env.macro
    def step(step_id: str, title: str) -> str:
        """A numbered guide step heading whose anchor is the step id the checker links to."""
        number = steps_by_id[step_id]["number"]
        return f"## {number}. {title} {{ #{step_id} }}"

    @env.macro
    def fill(text: str, role: dict[str, Any] | None = None) -> str:
        """A catalogue text with its {placeholders} filled for a reader in `role`.

        Same rule as checker.catalogue.fill, so page and checker print the same words;
        but an unknown name fails the build here instead of showing up as written.
        """
        values = placeholder_values(data, role or roles[0])
        unknown = sorted(set(PLACEHOLDER.findall(text)) - set(values))
        if unknown:
            raise ValueError(
                f"{CATALOGUE.name}: unknown placeholder(s) {unknown} in {text!r}; "
                f"known: {', '.join(sorted(values))}"
            )
        return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)

    @env.macro
    def per_role(lead: str, text: str) -> str:
        """`lead` and a catalogue text: once if it reads the same for every role, else
        one content tab per role (a reader's choice of tab carries across the page)."""
        filled = [(role, fill(text, role)) for role in roles]
        if len({text for _, text in filled}) == 1:
            return f"{lead} {filled[0][1]}"
        tabs = "\n\n".join(f'=== "{role["title"]}"\n\n    {text}' for role, text in filled)
        return f"{lead}\n\n{tabs}"

    @env.macro
    def step_links(step_id: str) -> str:
        """Links to one step in every role's guide, e.g. "3. Select your tailnet: Staff · ..."."""
        target = steps_by_id[step_id]
        links = " · ".join(f"[{role['title']}]({role['page']}#{step_id})" for role in roles)
        return f"{target['number']}. {target['title']} ({links})"
