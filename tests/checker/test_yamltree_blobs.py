"""Long base64 values skip the scanner (yamltree._Blobs) and load exactly as they read."""

from __future__ import annotations

from typing import Any

import pytest
from support import all_cases

from checker.parse import yamltree

CERT = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t" * 12  # 432 base64 characters


def shape(value: Any) -> Any:
    """A value with the lines yamltree keeps, so that two loads compare completely."""
    if isinstance(value, yamltree.YamlMap):
        return ("map", value.line, value.lines, {k: shape(v) for k, v in value.items()})
    if isinstance(value, yamltree.YamlList):
        return ("list", value.line, value.lines, [shape(v) for v in value])
    return (type(value).__name__, value)


def as_pasted(text: str) -> Any:
    """What load gives when it scans every character (the way it did before _Blobs)."""
    value, problem = yamltree._load(text, None)
    return shape(value), problem


def loaded(text: str) -> Any:
    value, problem = yamltree.load(text)
    return shape(value), problem


KUBECONFIGS = sorted(
    {p.read_text(encoding="utf-8") for c in all_cases() for p in c.inputs.values()},
)


@pytest.mark.parametrize("text", KUBECONFIGS, ids=range(len(KUBECONFIGS)))
def test_every_corpus_text_loads_as_pasted(text: str) -> None:
    assert loaded(text) == as_pasted(text)


@pytest.mark.parametrize(
    "text",
    [
        f"users:\n- name: me\n  user:\n    client-certificate-data: {CERT}\n    token: x\n",
        f"a: {CERT}\nb: {CERT}\nc: {CERT[:100]}\n",
        f"a:   {CERT}   \n",
        f"- {CERT}\n- k: {CERT}\n",
        # Not swapped: quoted, anchored, in a flow mapping, a key, digits only, hex.
        f"a: '{CERT}'\nb: \"{CERT}\"\n",
        f"a: &c {CERT}\nb: *c\n",
        f"a: {{k: {CERT}}}\n",
        f"{CERT}: a\n",
        f"a: {'7' * 300}\nb: 0x{'f' * 300}\nc: {'1e5' * 100}\nd: 0o{'7' * 300}\ne: 0b{'1' * 300}\n",
        # Swapped, then found inside a longer value: loaded as pasted instead.
        f"a: {CERT}\n  continued on the next line\nb: 1\n",
        f"a: {CERT} # a comment\n",
        # The placeholder's own spelling in the text: nothing is swapped.
        f"a: {CERT}\nb: zzblob0\n",
    ],
)
def test_values_load_as_pasted(text: str) -> None:
    assert loaded(text) == as_pasted(text)


def test_a_continued_value_is_not_cut() -> None:
    value, problem = yamltree.load(f"a: {CERT}\n  more\n")
    assert problem is None and value == {"a": f"{CERT} more"}


@pytest.mark.parametrize(
    "text",
    [
        f"a: {CERT}\nb: [unclosed\n",
        f"a: {CERT}\n b: bad indent\n",
        f"a: {CERT}\n---\nb: {CERT}\n",
        f"a: {CERT}\n\tb: tab\n",
    ],
)
def test_problems_are_told_as_in_the_pasted_text(text: str) -> None:
    found = loaded(text)
    assert found[1] is not None
    assert found == as_pasted(text)


def test_big_kubeconfigs_swap_their_blobs() -> None:
    text = "users:\n" + "".join(
        f"- name: u{i}\n  user:\n    client-certificate-data: {CERT}\n" for i in range(200)
    )
    blobs = yamltree._Blobs(text)
    assert len(blobs.values) == 200 and len(blobs.text) < len(text) / 4
    assert loaded(text) == as_pasted(text)
