"""The brand colours as the theme uses them, and the text contrast each use needs.

Material draws text in the organisation's colours in a few places: the header's text
(`on_primary` on `primary`), links and the active page in the navigation (`primary`
on the page's white, and on the light grey of code blocks), hovered links (`accent`),
and, in the dark palette, links in a lighter shade of `primary`. WCAG 2.2 AA asks
4.5:1 for normal text (1.4.3), so the build refuses colours that fall short, naming
the key and a shade that would do.

The lighter dark-palette shades are computed here, not in CSS, so that what the check
measures is what the stylesheet says.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from checker.organisation import Colours
from site_build.base import BuildError

AA_TEXT = 4.5
WHITE = "#ffffff"
BLACK = "#000000"
# Material's backgrounds: the page and code blocks, light ("default") and dark
# ("slate": hsla(225deg, 15%, 14%) and 18%).
LIGHT_PAGE, LIGHT_CODE = WHITE, "#f5f5f5"
DARK_PAGE, DARK_CODE = "#1e2129", "#272a35"
# How much of the primary colour the dark palette's links and hovered links keep.
DARK_LINK_SHARE, DARK_ACCENT_SHARE = 0.5, 0.35


@dataclass(frozen=True)
class Palette:
    """Every colour the stylesheet sets, as #rrggbb."""

    primary: str
    primary_dark: str
    primary_light: str
    accent: str
    on_primary: str
    dark_link: str
    dark_accent: str


def palette(colours: Colours) -> Palette:
    primary = hex6(colours.primary)
    return Palette(
        primary=primary,
        primary_dark=hex6(colours.primary_dark),
        primary_light=mix(primary, WHITE, 0.75),
        accent=hex6(colours.accent),
        on_primary=hex6(colours.on_primary),
        dark_link=mix(primary, WHITE, DARK_LINK_SHARE),
        dark_accent=mix(primary, WHITE, DARK_ACCENT_SHARE),
    )


def uses(shades: Palette) -> list[tuple[str, str | None, str, str, str]]:
    """Each place a colour is text: (its key, the key of the text colour on it if that
    is another, the text colour, its background, in words)."""
    return [
        ("primary", "on_primary", shades.on_primary, shades.primary, "the header's text"),
        ("primary_dark", "on_primary", shades.on_primary, shades.primary_dark,
         "the header's text where Material darkens it"),
        ("primary", None, shades.primary, LIGHT_PAGE, "links on the page"),
        ("primary", None, shades.primary, LIGHT_CODE, "links in code blocks and tabs"),
        ("accent", None, shades.accent, LIGHT_PAGE, "hovered links"),
        ("accent", None, WHITE, shades.accent, "hovered buttons' text"),
        ("primary", None, shades.dark_link, DARK_PAGE, "links in the dark palette"),
        ("primary", None, shades.dark_link, DARK_CODE, "links in the dark palette's code blocks"),
        ("primary", None, shades.dark_accent, DARK_PAGE, "hovered links in the dark palette"),
        ("primary", None, DARK_PAGE, shades.dark_accent, "hovered buttons' text, dark palette"),
    ]  # fmt: skip


def shortfalls(colours: Colours) -> list[tuple[str, str, float]]:
    """(key, what falls short in words, its ratio) for every use below AA."""
    found = []
    for key, on, text, background, use in uses(palette(colours)):
        ratio = contrast(text, background)
        if ratio < AA_TEXT:
            pair = f"{on} {text} on {background}" if on else f"{text} on {background}"
            found.append((key, f"{use} ({pair})", ratio))
    return found


def check_contrast(colours: Colours, where: str = "organisation.colors") -> Palette:
    """The palette, or a BuildError naming the first key whose text contrast is short."""
    for key, what, ratio in shortfalls(colours):
        raise BuildError(
            f"{where}.{key}: {what} has a contrast of {ratio:.2f}:1; WCAG AA needs "
            f"{AA_TEXT}:1 for text. The nearest shade that passes: "
            f"{passing_shade(colours, key)}."
        )
    return palette(colours)


def passing_shade(colours: Colours, key: str) -> str:
    """The nearest shade of `key`, darker or lighter, with which its uses all pass."""
    original = hex6(getattr(colours, key))
    for step in range(1, 101):
        for towards in (BLACK, WHITE):
            shade = mix(original, towards, 1 - step / 100)
            trial = dataclasses.replace(colours, **{key: shade})
            if not any(k == key for k, _, _ in shortfalls(trial)):
                return shade
    return "none; try another colour"


def hex6(colour: str) -> str:
    """#rgb or #rrggbb as lower-case #rrggbb (the schema allows only those)."""
    digits = colour.strip().lstrip("#").lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def _channels(colour: str) -> tuple[int, int, int]:
    digits = hex6(colour)[1:]
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def mix(colour: str, other: str, share: float) -> str:
    """`share` of `colour` and the rest of `other`, in sRGB (CSS color-mix in srgb)."""
    return "#" + "".join(
        f"{round(a * share + b * (1 - share)):02x}"
        for a, b in zip(_channels(colour), _channels(other), strict=True)
    )


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
