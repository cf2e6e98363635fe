"""Build the site for one organisation: the one named by organisation.yml.

Another team publishes the whole site for itself by editing that one file, or by
pointing `ORGANISATION_FILE` at another file (a path relative to the repository
root, or absolute):

    ORGANISATION_FILE=path/to/other.yml mkdocs build --strict

From the data file this hook sets, before any plugin reads them:

- the config values Material shows: `site_name`, `site_description`, `site_url`,
  `repo_url`, `repo_name`, `edit_uri` and `copyright`;
- the nav entry `connect/*.md`, replaced by one guide page per role, in file order;
- `config.extra["organisation_data"]`, the parsed file, which macros/main.py renders
  pages from (and which other hooks may read instead of parsing the file again).

and it generates two files that exist in no folder:

- `connect/<role id>.md` for every role: a page that renders docs/_templates/guide.md
  for that role, so every role gets every step and a step is written once;
- `assets/stylesheets/organisation.css`: the brand colours as Material's CSS variables.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

REPO = Path(__file__).resolve().parents[1]
ENV_VAR = "ORGANISATION_FILE"
DEFAULT_FILE = "organisation.yml"

# The nav entry that stands for "one guide page per role".
ROLE_PAGES_NAV_ENTRY = "connect/*.md"
GUIDE_TEMPLATE = "_templates/guide.md"
PALETTE_CSS = "assets/stylesheets/organisation.css"

# Keys the site (and the checker) need; a missing one fails the build with its path.
REQUIRED = {
    "organisation": (
        "name",
        "short_name",
        "site_name",
        "site_description",
        "site_url",
        "repo_url",
        "repo_name",
        "edit_uri",
        "copyright",
        "colors.primary",
        "colors.primary_dark",
        "colors.accent",
    ),
    "tailscale": ("identity_provider", "download_url", "admins", "cluster_admins", "contact"),
    "kubernetes": ("control_plane", "test_command"),
}
REQUIRED_ROLE = (
    "title",
    "audience",
    "tailnets",
    "sign_in",
    "kubeconfig_from",
    "permissions.default",
    "permissions.more",
)
# Role ids become page addresses (connect/<id>/) and `--role` values.
ROLE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# A CSS colour value, and nothing that could end the declaration it is put in.
CSS_COLOUR = re.compile(r"^[#(),.%\w\s-]+$")


def organisation_file(environ: os._Environ[str] | dict[str, str] = os.environ) -> Path:
    """The data file to build from: $ORGANISATION_FILE, else organisation.yml."""
    chosen = environ.get(ENV_VAR) or DEFAULT_FILE
    path = Path(chosen)
    return path if path.is_absolute() else REPO / path


def _lookup(data: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _require_text(data: dict[str, Any], dotted: str, where: Path) -> None:
    value = _lookup(data, dotted)
    if not isinstance(value, str) or not value.strip():
        raise PluginError(f"{where}: expected `{dotted}` to be a non-empty text, found {value!r}.")


def load_organisation(path: Path) -> dict[str, Any]:
    """Parse and check the organisation file; every problem names the key and the file."""
    if not path.is_file():
        raise PluginError(f"Expected the organisation file at {path} ({ENV_VAR}), found nothing.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise PluginError(f"{path} is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise PluginError(f"{path}: expected a mapping at the top, found {type(data).__name__}.")

    for section, keys in REQUIRED.items():
        for key in keys:
            _require_text(data, f"{section}.{key}", path)
    for key in ("primary", "primary_dark", "accent", "on_primary"):
        colour = _lookup(data, f"organisation.colors.{key}")
        if colour is not None and not CSS_COLOUR.match(str(colour)):
            raise PluginError(
                f"{path}: expected `organisation.colors.{key}` to be a CSS colour such as "
                f"#d73f3f, found {colour!r}."
            )

    roles = data.get("roles")
    if not isinstance(roles, dict) or not roles:
        raise PluginError(f"{path}: expected `roles` to map role ids to roles, found {roles!r}.")
    for role_id, role in roles.items():
        if not ROLE_ID.match(str(role_id)):
            raise PluginError(
                f"{path}: expected role ids of lower-case letters, digits and hyphens "
                f"(they become page addresses), found {role_id!r}."
            )
        for key in REQUIRED_ROLE:
            if key == "tailnets":
                tailnets = _lookup(role, key)
                if not isinstance(tailnets, list) or not tailnets:
                    raise PluginError(
                        f"{path}: expected `roles.{role_id}.tailnets` to be a non-empty list, "
                        f"found {tailnets!r}."
                    )
            else:
                _require_text(data, f"roles.{role_id}.{key}", path)
    return data


def palette_css(colours: dict[str, str]) -> str:
    """Material's colour variables for `primary: custom` and `accent: custom`."""
    primary = colours["primary"]
    dark = colours["primary_dark"]
    accent = colours["accent"]
    on_primary = colours.get("on_primary", "#ffffff")
    return f"""\
/* Generated by hooks/organisation.py from the organisation file: edit the colours there. */
[data-md-color-primary="custom"] {{
  --md-primary-fg-color: {primary};
  --md-primary-fg-color--light: color-mix(in srgb, {primary} 75%, #ffffff);
  --md-primary-fg-color--dark: {dark};
  --md-primary-bg-color: {on_primary};
  --md-primary-bg-color--light: color-mix(in srgb, {on_primary} 70%, transparent);
}}
[data-md-color-accent="custom"] {{
  --md-accent-fg-color: {accent};
  --md-accent-fg-color--transparent: color-mix(in srgb, {accent} 10%, transparent);
  --md-accent-bg-color: #ffffff;
  --md-accent-bg-color--light: #ffffffb3;
}}
/* On the dark scheme a dark accent would vanish and the brand colour is too dim for
   body text links, so both are lightened versions of the primary colour there. */
[data-md-color-scheme="slate"][data-md-color-primary="custom"] {{
  --md-typeset-a-color: color-mix(in srgb, {primary} 70%, #ffffff);
}}
[data-md-color-scheme="slate"][data-md-color-accent="custom"] {{
  --md-accent-fg-color: color-mix(in srgb, {primary} 55%, #ffffff);
  --md-accent-fg-color--transparent: color-mix(in srgb, {primary} 10%, transparent);
}}
"""


def role_page(role_id: str) -> str:
    return f"connect/{role_id}.md"


def role_page_source(role_id: str) -> str:
    """The Markdown of a generated guide: the shared template, rendered for one role."""
    return f'---\nrole_id: {role_id}\n---\n{{% include "{GUIDE_TEMPLATE}" %}}\n'


def _expand_nav(nav: list[Any], pages: list[str]) -> tuple[list[Any], bool]:
    expanded: list[Any] = []
    found = False
    for item in nav:
        if item == ROLE_PAGES_NAV_ENTRY:
            expanded.extend(pages)
            found = True
        elif isinstance(item, dict):
            section = {}
            for title, value in item.items():
                if isinstance(value, list):
                    value, inner = _expand_nav(value, pages)
                    found = found or inner
                section[title] = value
            expanded.append(section)
        else:
            expanded.append(item)
    return expanded, found


def _copyright(holder: str) -> str:
    # The file names the holder; the footer reads better with the sign, unless given.
    if "©" in holder or "copyright" in holder.lower():
        return holder
    return f"© {holder}"


def _is_serve_url(config: MkDocsConfig) -> bool:
    host, port = config.dev_addr
    return bool(config.site_url) and config.site_url.startswith(f"http://{host}:{port}/")


@event_priority(100)  # before Material and mkdocs-macros copy the config
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    path = organisation_file()
    data = load_organisation(path)
    org = data["organisation"]

    config.site_name = org["site_name"]
    config.site_description = org["site_description"]
    # `mkdocs serve` points site_url at its own address before building; keep that, or
    # Material's instant navigation would treat every local link as another site's.
    if not _is_serve_url(config):
        config.site_url = org["site_url"].rstrip("/") + "/"
    config.repo_url = org["repo_url"]
    config.repo_name = org["repo_name"]
    config.edit_uri = org["edit_uri"]
    config.copyright = _copyright(org["copyright"])

    if config.nav is not None:
        pages = [role_page(role_id) for role_id in data["roles"]]
        config.nav, found = _expand_nav(config.nav, pages)
        if not found:
            raise PluginError(
                f"Expected the nav entry `{ROLE_PAGES_NAV_ENTRY}` in mkdocs.yml (where the "
                "role guides go), found none."
            )
    if PALETTE_CSS not in config.extra_css:
        config.extra_css.insert(0, PALETTE_CSS)

    config.extra["organisation_file"] = str(path)
    config.extra["organisation_data"] = data
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    data = config.extra["organisation_data"]
    for role_id in data["roles"]:
        guide = File.generated(config, role_page(role_id), content=role_page_source(role_id))
        # "Edit this page" opens the template every guide is rendered from.
        guide.edit_uri = GUIDE_TEMPLATE
        files.append(guide)
    files.append(
        File.generated(config, PALETTE_CSS, content=palette_css(data["organisation"]["colors"]))
    )
    return files
