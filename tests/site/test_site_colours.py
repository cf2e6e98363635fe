"""The brand colours are readable as text: WCAG 2.2 AA's 4.5:1, or no build."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO, organisation_data

from checker.organisation import Colours, load_organisation_file
from site_build.base import BuildError
from site_build.colours import AA_TEXT, check_contrast, contrast, mix, palette, shortfalls, uses

OTHER = REPO / "tests" / "site" / "data" / "other-org.yml"


def test_contrast_is_wcags() -> None:
    assert contrast("#ffffff", "#000000") == pytest.approx(21)
    assert contrast("#000", "#fff") == pytest.approx(21)
    # The usual landmarks: #767676 is the lightest grey that passes on white.
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast("#777777", "#ffffff") < AA_TEXT
    assert mix("#ff0000", "#ffffff", 0.5) == "#ff8080"


@pytest.mark.parametrize("path", [REPO / "organisation.yml", OTHER], ids=["hot", "other"])
def test_every_organisation_file_here_passes(path: Path) -> None:
    colours = load_organisation_file(path).org.colors
    assert shortfalls(colours) == []
    for _, _, text, background, _ in uses(palette(colours)):
        assert contrast(text, background) >= AA_TEXT


def test_hots_own_red_is_refused_with_the_key_and_a_shade_that_passes() -> None:
    colours = dataclasses.replace(Colours(), primary="#d73f3f")
    with pytest.raises(BuildError) as refused:
        check_contrast(colours)
    message = str(refused.value)
    assert message.startswith("organisation.colors.primary: the header's text")
    assert "4.49:1" in message and "4.5:1" in message
    shade = message.rsplit("passes: ", 1)[1].rstrip(".")
    assert shortfalls(dataclasses.replace(colours, primary=shade)) == []


def test_the_header_text_is_measured_on_the_header() -> None:
    # Black on a yellow header reads well; white on it does not. (Yellow links on white
    # fail either way.)
    def header(colours: Colours) -> list[str]:
        return [
            what for key, what, _ in shortfalls(colours) if key == "primary" and "header" in what
        ]

    assert header(Colours(primary="#f2c230", on_primary="#000000")) == []
    assert header(Colours(primary="#f2c230", on_primary="#ffffff")) != []
    assert any("links on the page" in what for _, what, _ in shortfalls(Colours(primary="#f2c230")))


@pytest.mark.slow
def test_the_build_refuses_a_faint_colour(tmp_path: Path) -> None:
    data = organisation_data()
    data["organisation"]["colors"]["accent"] = "#f2a541"
    local = tmp_path / "organisation.yml"
    local.write_text(json.dumps(data), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=REPO,
        env={**os.environ, "ORGANISATION_FILE": str(local), "CHECKER_ASSETS": "off"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "organisation.colors.accent: hovered links (#f2a541 on #ffffff)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site" / "index.html").exists()
