"""The Jinja variables and macros that the pages are written with (mkdocs-macros).

Pages never name the organisation, its tailnets, its sign-in or its admins: they use
these variables, filled from the `Organisation` that the site's hook loaded (one
schema, checker/organisation.py, for the site, the CLI and the browser),
and the troubleshooting page is rendered from checker/catalogue.yml, the catalogue the
checker reports from. So a guide step, a troubleshooting entry and a checker finding
cannot disagree, and another organisation re-brands the site by editing data only.

Variables: `organisation` (the whole data), `org`, `tailscale`, `kubernetes` (its
sections), `proxy` (the API server proxy, None on the direct path), `roles` (in file
order), `roles_by_id`, `steps` (the guide steps, in order),
`layers` (the access layers, each with its `checks`) and `input_checks`.
Macros: `step`, `fill`, `per_role`, `step_links`, `box_attributes`.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from checker.boxes import BOX
from checker.catalogue import (
    INPUT_LAYER,
    load_catalogue,
    placeholder_names,
    placeholders,
    substitute,
)
from checker.organisation import Organisation, Role
from checker.text import MAX_CHARS
from macros.access_path import svg as drawing
from macros.examples import examples

CATALOGUE = "checker/catalogue.yml"
# The guide steps: written once, rendered into every role's guide.
STEPS_TEMPLATE = "_templates/steps.md"
# How steps.md declares a step; read here too so other pages can link to steps by title.
STEP_CALL = re.compile(r"""\{\{\s*step\(\s*"([a-z0-9-]+)"\s*,\s*"([^"]+)"\s*\)\s*\}\}""")


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


def catalogue_sections(step_ids: set[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The access layers with their checks, and the checks about the reader's input.

    Read through checker.catalogue, the module the checker itself reports from.
    """
    # `mkdocs serve` rebuilds in one process: read the file again each build.
    load_catalogue.cache_clear()
    catalogue = load_catalogue()
    # Checks of the `input` layer get their own last section.
    layers = [
        {"id": layer.id, "title": layer.title, "question": layer.question, "checks": []}
        for layer in catalogue.layers
        if layer.id != INPUT_LAYER
    ]
    by_id = {layer["id"]: layer for layer in layers}
    input_checks = []
    for check in catalogue.checks.values():
        if check.step not in step_ids:
            raise ValueError(
                f"{CATALOGUE}: check {check.id!r}: expected `step` to be one of "
                f"{sorted(step_ids)}, found {check.step!r}"
            )
        entry = {
            "id": check.id,
            "layer": check.layer,
            "severity": check.severity,
            "symptom": check.symptom,
            "fix": check.fix,
            "step": check.step,
        }
        if check.layer == INPUT_LAYER:
            input_checks.append(entry)
        else:
            by_id[check.layer]["checks"].append(entry)
    return layers, input_checks


def error_messages() -> list[dict[str, str]]:
    """Every message a tool prints that the checker recognises, with its check."""
    catalogue = load_catalogue()
    found = []
    for check in catalogue.checks.values():
        for text in check.texts:
            anchor = "message-" + re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
            found.append({"text": text, "check": check.id, "anchor": anchor,
                          "layer": catalogue.layer(check.layer).title})  # fmt: skip
    anchors = [m["anchor"] for m in found]
    if len(set(anchors)) != len(anchors):
        raise ValueError(f"{CATALOGUE}: two messages make the same anchor: {sorted(anchors)}")
    return found


def define_env(env: Any) -> None:
    organisation = env.conf["extra"].get("organisation")
    if not isinstance(organisation, Organisation):
        raise RuntimeError(
            "Expected the organisation data from the site's hook: list hooks/site_hook.py "
            "under `hooks:` in mkdocs.yml."
        )
    roles = list(organisation.roles)
    docs_dir = Path(env.conf["docs_dir"])
    steps = parse_steps((docs_dir / STEPS_TEMPLATE).read_text(encoding="utf-8"))
    steps_by_id = {step["id"]: step for step in steps}
    layers, input_checks = catalogue_sections(set(steps_by_id))

    env.variables.update(
        {
            "organisation": organisation,
            "org": organisation.org,
            "tailscale": organisation.tailscale,
            "kubernetes": organisation.kubernetes,
            # The operator's API server proxy when the cluster is reached through it.
            "proxy": organisation.kubernetes.proxy,
            "roles": roles,
            "roles_by_id": {role.id: role for role in roles},
            "steps": steps,
            "layers": layers,
            "input_checks": input_checks,
            # The most text a box takes: the page refuses more before it reaches the box.
            "max_chars": MAX_CHARS,
            # The tools' own messages, each with the check it belongs to.
            "error_messages": error_messages(),
            # The checker page's examples, made from the test cases and checked now.
            "examples": examples(organisation),
        }
    )

    @env.macro
    def access_path(role: Role | None = None) -> str:
        """The access path as a picture, for `role` (the first role when None)."""
        return drawing(organisation, role or roles[0], env.page.url if env.page else "")

    @env.macro
    def box_attributes(box_id: str) -> str:
        """The attributes of an input box's textarea: what the page script reads of it."""
        box = BOX[box_id]
        return (
            f'data-checker-input="{box.id}" data-checker-field="{box.field}" '
            f'data-checker-name="{html.escape(box.name)}"'
        )

    @env.macro
    def step(step_id: str, title: str) -> str:
        """A numbered guide step heading whose anchor is the step id the checker links to."""
        number = steps_by_id[step_id]["number"]
        return f"## {number}. {title} {{ #{step_id} }}"

    @env.macro
    def fill(text: str, role: Role | None = None) -> str:
        """A catalogue text with its {placeholders} filled for a reader in `role`.

        The values come from checker.catalogue.placeholders, so page and checker print
        the same words; but an unknown name fails the build here instead of showing up
        as written.
        """
        values = placeholders(organisation, (role or roles[0]).id)
        unknown = sorted(placeholder_names(text) - set(values))
        if unknown:
            raise ValueError(
                f"{CATALOGUE}: unknown placeholder(s) {unknown} in {text!r}; "
                f"known: {', '.join(sorted(values))}"
            )
        return substitute(text, values)

    @env.macro
    def per_role(lead: str, text: str) -> str:
        """`lead` and a catalogue text: once if it reads the same for every role, else
        one content tab per role (a reader's choice of tab carries across the page)."""
        filled = [(role, fill(text, role)) for role in roles]
        if len({text for _, text in filled}) == 1:
            return f"{lead} {filled[0][1]}"
        tabs = "\n\n".join(f'=== "{role.title}"\n\n    {text}' for role, text in filled)
        return f"{lead}\n\n{tabs}"

    @env.macro
    def step_links(step_id: str) -> str:
        """Links to one step in every role's guide, e.g. "3. Select your tailnet: Staff · ..."."""
        target = steps_by_id[step_id]
        links = " · ".join(f"[{role.title}](/{role.guide_source}#{step_id})" for role in roles)
        return f"{target['number']}. {target['title']} ({links})"
