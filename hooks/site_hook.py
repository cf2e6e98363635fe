"""The MkDocs hook of this site: a thin layer over the site_build package.

mkdocs.yml lists this one hook. It loads the organisation data once (the file
checker.organisation finds: $ORGANISATION_FILE, else organisation.yml), configures
the site from it, adds the pages made from it, and after the pages runs the build's
steps in the order site_build/pipeline.py gives them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    # MkDocs puts this hook's folder on sys.path, not the project's.
    sys.path.insert(0, str(REPO))

from checker.organisation import (  # noqa: E402
    OrganisationError,
    load_organisation_file,
    organisation_path,
)
from site_build import csp, organisation, pipeline  # noqa: E402
from site_build.base import BuildError  # noqa: E402


@event_priority(100)  # before Material and mkdocs-macros copy the config
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    try:
        loaded = load_organisation_file(organisation_path())
        organisation.configure(config, loaded)
        pipeline.before_pages(REPO)
    except (OrganisationError, BuildError) as error:
        raise PluginError(str(error)) from error
    # What macros/main.py renders the pages from.
    config.extra["organisation"] = loaded
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    generated = organisation.generated_files(config.extra["organisation"])
    for path, content in generated.items():
        made = File.generated(config, path, content=content)
        if path.endswith(".md"):
            # "Edit this page" opens the template every guide is rendered from.
            made.edit_uri = organisation.GUIDE_TEMPLATE
        files.append(made)
    return files


@event_priority(-100)  # after every other plugin: the policy is the last thing written
def on_post_build(config: MkDocsConfig) -> None:
    try:
        pipeline.after_pages(REPO, Path(config.site_dir))
    except BuildError as error:
        raise PluginError(str(error)) from error


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    # The checker wheel and the data are built from these: rebuild when they change.
    server.watch(str(REPO / "checker"))
    server.watch(str(REPO / "site_build"))
    return csp.allow_live_reload(server)
