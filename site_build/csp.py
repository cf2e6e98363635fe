"""Put one Content-Security-Policy on every page: nothing may leave the site.

Material's instant navigation keeps the first loaded document and swaps in the
content of the next page, so the policy of the *first* page a reader opens governs
the whole visit. Every page therefore carries the same policy, and that policy
allows the inline scripts of every page: Material's `__md_scope` script differs by
page depth, so the hashes are collected across the whole built site.

The policy allows only the site's own origin, WebAssembly compilation for Pyodide
('wasm-unsafe-eval', which does not allow JavaScript eval), and inline scripts and
styles by their sha256 hash: no 'unsafe-inline'. An inline event handler or a
`javascript:` URL fails the build, since no hash-based policy can allow it.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from site_build.base import BuildError

# <script type> values that the browser runs (HTML: a JavaScript MIME type or "module").
EXECUTABLE_TYPES = {
    "",
    "module",
    "text/javascript",
    "application/javascript",
    "application/ecmascript",
    "text/ecmascript",
}
META_PREFIX = '<meta http-equiv="Content-Security-Policy" content="'
log = logging.getLogger("mkdocs.hooks.site")


class InlineCode(HTMLParser):
    """Collect the inline scripts, style elements and style attributes of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.style_attributes: list[str] = []
        self.problems: list[str] = []
        self._open: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        for name, value in attributes.items():
            if name.startswith("on"):
                self.problems.append(f"inline event handler <{tag} {name}=…>")
            if name in ("href", "src", "action") and value.strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL in <{tag} {name}>")
        if "style" in attributes:
            self.style_attributes.append(attributes["style"])
        if tag == "script" and "src" not in attributes:
            if attributes.get("type", "").strip().lower() in EXECUTABLE_TYPES:
                self._open = ("script", [])
        elif tag == "style":
            self._open = ("style", [])

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == self._open[0]:
            kind, parts = self._open
            (self.scripts if kind == "script" else self.styles).append("".join(parts))
            self._open = None


def sha256_source(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def policy(scripts: set[str], styles: set[str], style_attributes: set[str]) -> str:
    """The policy text for a site whose pages hold these inline scripts and styles."""
    script_src = ["'self'", "'wasm-unsafe-eval'", *sorted(sha256_source(s) for s in scripts)]
    style_src = ["'self'", *sorted(sha256_source(s) for s in styles | style_attributes)]
    if style_attributes:
        # Hashes match style="…" attributes only with 'unsafe-hashes'; it still
        # allows nothing but these exact attribute values.
        style_src.insert(1, "'unsafe-hashes'")
    directives = {
        "default-src": ["'self'"],
        "script-src": script_src,
        "style-src": style_src,
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        # Workers start from a blob: that loads the site's script (worker-policy.js),
        # so that they inherit this policy: a worker's own URL would bring none.
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def with_policy(html: str, csp: str) -> str:
    """The page with the policy as the first element of <head> after <meta charset>.

    The charset declaration stays first because it must sit in the first 1024 bytes;
    it loads nothing, so the policy still precedes every script, style and request.
    """
    html = re.sub(re.escape(META_PREFIX) + r'[^"]*">\s*', "", html)
    meta = f'{META_PREFIX}{csp}">'
    charset = re.search(r"<head>\s*<meta charset=[^>]*>", html, re.IGNORECASE)
    if charset:
        return f"{html[: charset.end()]}\n    {meta}{html[charset.end() :]}"
    head = re.search(r"<head[^>]*>", html, re.IGNORECASE)
    if not head:
        raise BuildError("Expected a <head> element to put the Content-Security-Policy in.")
    return f"{html[: head.end()]}\n    {meta}{html[head.end() :]}"


def apply(site_dir: Path) -> str:
    """Add the one policy to every HTML page under site_dir; return the policy."""
    pages = sorted(site_dir.rglob("*.html"))
    scripts: set[str] = set()
    styles: set[str] = set()
    style_attributes: set[str] = set()
    problems: list[str] = []
    for page in pages:
        found = InlineCode()
        found.feed(page.read_text(encoding="utf-8"))
        found.close()
        scripts.update(found.scripts)
        styles.update(found.styles)
        style_attributes.update(found.style_attributes)
        problems += [f"{page.relative_to(site_dir)}: {p}" for p in found.problems]
    if problems:
        raise BuildError(
            "The Content-Security-Policy forbids inline event handlers and javascript: URLs; "
            "move them into a script file:\n  " + "\n  ".join(problems)
        )
    csp = policy(scripts, styles, style_attributes)
    for page in pages:
        page.write_text(with_policy(page.read_text(encoding="utf-8"), csp), encoding="utf-8")
    return csp


def allow_live_reload(server: Any) -> Any:
    """Let `mkdocs serve` reload pages under the policy.

    The dev server appends its live-reload script to each page as it serves it, with
    a new request id every time, so no hash could allow it. Serve the same code with
    the two numbers in data attributes instead, and allow that one fixed script in
    the pages it serves (the built files keep the production policy).
    """
    from mkdocs import livereload

    template = getattr(livereload, "_SCRIPT_TEMPLATE", None)
    if template is None or not hasattr(server, "_inject_js_into_html"):
        log.info("Live reload is blocked by the Content-Security-Policy: reload by hand.")
        return server
    code = template.substitute(
        epoch="Number(document.currentScript.dataset.epoch)",
        request_id="document.currentScript.dataset.requestId",
    )
    allow = f"script-src 'self' {sha256_source(code)}".encode()

    def inject(content: bytes, epoch: int) -> bytes:
        request_id = int(time.monotonic() * 1000)
        script = f'<script data-epoch="{epoch}" data-request-id="{request_id}">{code}</script>'
        content = content.replace(b"script-src 'self'", allow, 1)
        body_end = content.rfind(b"</body>")
        body_end = len(content) if body_end < 0 else body_end
        return content[:body_end] + script.encode() + content[body_end:]

    server._inject_js_into_html = inject
    return server
