"""Fixtures for the checker's own tests: the organisation data and small builders."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from checker_testkit import GOOD, NOW
from support import REPO

from checker import Report, diagnose
from checker.organisation import Organisation, load_organisation


@pytest.fixture(scope="session")
def organisation() -> Organisation:
    return load_organisation((REPO / "organisation.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def good_status() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOOD / "tailscale-status.json").read_text())
    return data


@pytest.fixture(scope="session")
def good_kubeconfig() -> str:
    return (GOOD / "kubeconfig.yaml").read_text()


@pytest.fixture
def status_with(good_status: dict[str, Any]) -> Callable[..., str]:
    """The staff-all-good status as text, with top-level keys replaced."""

    def make(**changes: Any) -> str:
        data = copy.deepcopy(good_status)
        for key, value in changes.items():
            if key == "Self":
                data["Self"].update(value)
            else:
                data[key] = value
        return json.dumps(data, indent=2)

    return make


@pytest.fixture
def run(organisation: Organisation) -> Callable[..., Report]:
    def call(**kwargs: Any) -> Report:
        kwargs.setdefault("now", NOW)
        return diagnose(organisation=organisation, **kwargs)

    return call
