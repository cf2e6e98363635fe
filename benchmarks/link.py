"""A network link between the browser and the built site, shaped in the server.

Browser-side throttling (DevTools' network conditions) does not cover a page's
workers, and the checker downloads Python in one; so the benchmark shapes the link
where every request passes: in the server. One `Link` is shared by every
connection of a profile, as one access line is: concurrent downloads share its
bandwidth, chunk by chunk. Each request also waits the profile's latency before its
answer starts (the round trip a request costs on such a line).

The server answers the way GitHub Pages does:
- text, JavaScript, JSON, SVG and WebAssembly gzipped when the browser accepts it
  (Pages compresses those on the fly; zips, gzip files and images as they are);
- `Cache-Control: max-age=600` and an ETag on every answer, and `304 Not Modified`
  to a request whose If-None-Match still matches.

`max_age` can be set to 0 to stand for a copy older than ten minutes: the browser
then asks again with If-None-Match, as it does after max-age has run out.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

# What GitHub Pages compresses (by type); everything else goes as it is.
COMPRESSED_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/wasm",
    "image/svg+xml",
    "application/xml",
)
CHUNK = 16 * 1024


@dataclass(frozen=True)
class Profile:
    """A link: its bandwidth (None: unshaped), latency per request, and compression."""

    name: str
    mbit_per_s: float | None
    latency_ms: float
    gzip: bool

    @property
    def bytes_per_s(self) -> float | None:
        return self.mbit_per_s * 1e6 / 8 if self.mbit_per_s else None


PROFILES = {
    "localhost": Profile("localhost", None, 0, gzip=False),
    "100mbit": Profile("100 Mbit/s, 10 ms", 100, 10, gzip=True),
    "50mbit": Profile("50 Mbit/s, 20 ms", 50, 20, gzip=True),
    "10mbit": Profile("10 Mbit/s, 40 ms", 10, 40, gzip=True),
    "2mbit": Profile("2 Mbit/s, 150 ms", 2, 150, gzip=True),
}


@dataclass
class Link:
    """One shared line: bytes leave at its rate, in the order they were sent."""

    bytes_per_s: float | None
    sent: int = 0
    _free_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, out: Any, data: bytes) -> None:
        for start in range(0, len(data), CHUNK):
            chunk = data[start : start + CHUNK]
            if self.bytes_per_s:
                with self._lock:
                    begin = max(time.monotonic(), self._free_at)
                    self._free_at = begin + len(chunk) / self.bytes_per_s
                    done = self._free_at
                wait = done - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            out.write(chunk)
            with self._lock:
                self.sent += len(chunk)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """The built site's files, quietly, with the types a static host sends: module
    scripts and streaming WebAssembly need these. The browser tests serve with it."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass


class ShapedHandler(SiteHandler):
    """Static files through a Link, compressed and cached as GitHub Pages does."""

    # Keep-alive connections, as a browser keeps them to a host; and Chromium only
    # revalidates with If-None-Match an answer that came over HTTP/1.1.
    protocol_version = "HTTP/1.1"

    def __init__(
        self, *args: Any, profile: Profile, link: Link, max_age: int, **kwargs: Any
    ) -> None:
        self.profile, self.link, self.max_age = profile, link, max_age
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        time.sleep(self.profile.latency_ms / 1000)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                self._answer(301, [("Location", self.path.split("?", 1)[0] + "/")], b"")
                return
            path = path / "index.html"
        if not path.is_file():
            self._answer(404, [("Content-Type", "text/plain")], b"not found")
            return
        kind = self.guess_type(str(path))
        body, tag = _encoded(path, path.stat().st_mtime_ns, gzip_it=self._gzip(kind))
        headers = [
            ("Content-Type", kind),
            ("ETag", tag),
            ("Cache-Control", f"max-age={self.max_age}"),
            ("Last-Modified", self.date_time_string(int(path.stat().st_mtime))),
            ("Date", self.date_time_string()),
            ("Vary", "Accept-Encoding"),
        ]
        if self.headers.get("If-None-Match") == tag:
            self._answer(304, headers, b"")
            return
        if body.gzipped:
            headers.append(("Content-Encoding", "gzip"))
        self._answer(200, headers, body.data)

    def _gzip(self, kind: str) -> bool:
        accepts = "gzip" in (self.headers.get("Accept-Encoding") or "")
        return self.profile.gzip and accepts and kind.startswith(COMPRESSED_TYPES)

    def _answer(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        head = [f"{self.protocol_version} {status} {self.responses[status][0]}"]
        head += [f"{name}: {value}" for name, value in headers]
        head += [f"Content-Length: {len(body)}", "", ""]
        # A browser context closed mid-download drops its connections: not an error.
        with contextlib.suppress(ConnectionError):
            self.link.send(self.wfile, "\r\n".join(head).encode("latin-1") + body)


@dataclass(frozen=True)
class Body:
    data: bytes
    gzipped: bool


@functools.lru_cache(maxsize=256)
def _encoded(path: Path, mtime_ns: int, *, gzip_it: bool) -> tuple[Body, str]:
    raw = path.read_bytes()
    tag = '"' + hashlib.sha256(raw).hexdigest()[:16] + '"'
    if gzip_it:
        return Body(gzip.compress(raw, compresslevel=6, mtime=0), True), tag
    return Body(raw, False), tag


class ShapedServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # Chromium opens up to six connections to a host; a backlog that holds them all.
    request_queue_size = 64

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # connections the browser dropped


@contextmanager
def shaped(root: Path, profile: Profile, *, max_age: int = 600) -> Iterator[tuple[str, Link]]:
    """root served on http://127.0.0.1:<free port>/ through one Link of `profile`."""
    link = Link(profile.bytes_per_s)
    handler = functools.partial(ShapedHandler, directory=str(root), profile=profile,
                                link=link, max_age=max_age)  # fmt: skip
    with serving(ShapedServer(("127.0.0.1", 0), handler)) as url:
        yield url, link


@contextmanager
def serving(server: http.server.HTTPServer) -> Iterator[str]:
    """The server answering on a thread of its own, at its address; closed after."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
