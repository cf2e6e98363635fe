"""The site for one organisation: the one checker.organisation loads.

Another team publishes the whole site for itself by editing organisation.yml, or by
pointing `ORGANISATION_FILE` at another file:

    ORGANISATION_FILE=path/to/other.yml mkdocs build --strict

From the loaded `Organisation`, `configure` sets, before any plugin reads them, the
config values Material shows (`site_name`, `site_description`, `site_url`, `repo_url`,
`repo_name`, `edit_uri`, `copyright`) and replaces the nav entry `connect/*.md` with
one guide page per role; `generated_files` are the files that exist in no folder:

- `connect/<role id>.md` for every role: a page that renders docs/_templates/guide.md
  for that role, so every role gets every step and a step is written once;
- `assets/stylesheets/organisation.css`: the brand colours as Material's CSS variables.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import material as material_templates  # type: ignore[import-untyped]

from checker.organisation import Colours, Organisation
from site_build.base import REPO, BuildError
from site_build.colours import DARK_PAGE, check_contrast

# The nav entry that stands for "one guide page per role".
ROLE_PAGES_NAV_ENTRY = "connect/*.md"
GUIDE_TEMPLATE = "_templates/guide.md"
PALETTE_CSS = "assets/stylesheets/organisation.css"


def configure(config: Any, organisation: Organisation) -> None:
    """Set the MkDocs config values that come from the organisation data."""
    org = organisation.org
    if not org.site_url:
        raise BuildError(
            "organisation.site_url: missing; expected the address the site is published at "
            "(Material's instant navigation and the sitemap need it)"
        )
    check_contrast(org.colors)
    config.site_name = org.site_name
    config.site_description = org.site_description
    # `mkdocs serve` points site_url at its own address before building; keep that, or
    # Material's instant navigation would treat every local link as another site's.
    if not _is_serve_url(config):
        config.site_url = org.site_url.rstrip("/") + "/"
    config.repo_url = org.repo_url or None
    config.repo_name = org.repo_name or None
    config.edit_uri = org.edit_uri if org.repo_url else None
    config.copyright = _copyright(org.copyright)
    if config.nav is not None:
        pages = [role.guide_source for role in organisation.roles]
        config.nav, found = _expand_nav(config.nav, pages)
        if not found:
            raise BuildError(
                f"Expected the nav entry `{ROLE_PAGES_NAV_ENTRY}` in mkdocs.yml (where the "
                "role guides go), found none."
            )
    if PALETTE_CSS not in config.extra_css:
        config.extra_css.insert(0, PALETTE_CSS)
    config.theme["favicon"] = favicon_data_url(config.theme.get("favicon"))


def favicon_data_url(favicon: str | None) -> str:
    """The favicon as a data: URL. Material's `navigation.tracking` rewrites the address
    as the reader scrolls, and Chromium fetches the favicon again at each change: a
    favicon in the page costs no request, so the checker page sends none after it is
    ready, whatever the reader does."""
    if favicon and favicon.startswith("data:"):
        return favicon
    material = Path(material_templates.__file__).parent
    path = (
        REPO / "docs" / favicon
        if favicon and (REPO / "docs" / favicon).is_file()
        else (material / "templates" / "assets" / "images" / "favicon.png")
    )
    kind = "image/svg+xml" if path.suffix == ".svg" else "image/png"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def generated_files(organisation: Organisation) -> dict[str, str]:
    """Path in the docs -> content, for the pages and styles made from the data."""
    files = {role.guide_source: role_page_source(role.id) for role in organisation.roles}
    files[PALETTE_CSS] = palette_css(organisation.org.colors)
    return files


def role_page_source(role_id: str) -> str:
    """The Markdown of a generated guide: the shared template, rendered for one role."""
    return f'---\nrole_id: {role_id}\n---\n{{% include "{GUIDE_TEMPLATE}" %}}\n'


def palette_css(colours: Colours) -> str:
    """Material's colour variables for `primary: custom` and `accent: custom`; the
    build stops here if a colour is too faint for text (site_build/colours.py)."""
    c = check_contrast(colours)
    return f"""\
/* Generated from the organisation file by site_build/organisation.py: edit the colours there. */
[data-md-color-primary="custom"] {{
  --md-primary-fg-color: {c.primary};
  --md-primary-fg-color--light: {c.primary_light};
  --md-primary-fg-color--dark: {c.primary_dark};
  --md-primary-bg-color: {c.on_primary};
  --md-primary-bg-color--light: {c.on_primary}b3;
}}
[data-md-color-accent="custom"] {{
  --md-accent-fg-color: {c.accent};
  --md-accent-fg-color--transparent: {c.accent}1a;
  --md-accent-bg-color: #ffffff;
  --md-accent-bg-color--light: #ffffffb3;
}}
/* On the dark scheme a dark accent would vanish and the brand colour is too dim for
   text, so links, hovered links and buttons take lighter shades of the primary colour. */
[data-md-color-scheme="slate"][data-md-color-primary="custom"] {{
  --md-typeset-a-color: {c.dark_link};
}}
[data-md-color-scheme="slate"][data-md-color-accent="custom"] {{
  --md-accent-fg-color: {c.dark_accent};
  --md-accent-fg-color--transparent: {c.primary}1a;
  --md-accent-bg-color: {DARK_PAGE};
  --md-accent-bg-color--light: {DARK_PAGE}b3;
}}
"""


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


def _is_serve_url(config: Any) -> bool:
    host, port = config.dev_addr
    return bool(config.site_url) and config.site_url.startswith(f"http://{host}:{port}/")
