"""Steps that run the pinned Pyodide under Node.js at build time, cached by their inputs.

A step is a maker script in site_build/node/ and the files it reads. The same list
of files is what the maker is given on its command line and what the cache key is
made of, so a change to any file a step uses makes it again, and a file it does not
use cannot:

    node <maker> RUNTIME_DIR ASSETS_DIR OUT_DIR FILE...

RUNTIME_DIR is node_modules/pyodide, ASSETS_DIR the built site's assets/pyodide (the
lock and the wheels it lists), OUT_DIR the folder the maker fills; the FILEs are the
step's own inputs (its Python side, from site_build/in_pyodide/, and any JavaScript it
imports). What the maker prints on stdout is kept in OUT_DIR as `record`, which also
marks the folder complete.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from site_build.base import BUILD_DIR, BuildError, file_sha256

IN_PYODIDE = BUILD_DIR / "in_pyodide"
MAKERS = BUILD_DIR / "node"
# How many made results each cache folder keeps (one per set of inputs).
KEEP_CACHED = 4


def node(what: str) -> str:
    """The Node.js that runs the pinned Pyodide at build time to make `what`."""
    found = shutil.which("node")
    if found is None:
        raise BuildError(f"The checker's {what} is made with Node.js, which is not on PATH.")
    return found


def node_version(what: str) -> str:
    done = subprocess.run([node(what), "--version"], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@dataclass(frozen=True)
class NodeStep:
    what: str  # in messages: "bytecode", "memory image"
    maker: str  # a file name in site_build/node/
    files: tuple[Path, ...]  # everything else the maker reads, besides the two folders
    cache: str  # the cache folder, under the project's .cache/
    record: str  # the name the maker's stdout is kept under
    # The build's own code that prepares the maker's folder or finishes what it made
    # (`made`'s prepare and finish): in the key, not on the maker's command line.
    made_with: tuple[Path, ...] = ()

    def inputs(self) -> tuple[Path, ...]:
        return (MAKERS / self.maker, *self.files)

    def key(self, runtime: Path, runtime_files: Sequence[str], lock: Path) -> str:
        """A hash of all that goes in: Node.js, the Pyodide files, the lock (so the
        wheels, whose sha256 it lists), the step's own files and the code around it."""
        parts = {
            "node": node_version(self.what),
            **{f"pyodide/{name}": file_sha256(runtime / name) for name in runtime_files},
            "lock": file_sha256(lock),
            **{f"{i}:{path.name}": file_sha256(path) for i, path in enumerate(self.inputs())},
            **{f"with:{path.name}": file_sha256(path) for path in self.made_with},
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()

    def made(
        self,
        cache_root: Path,
        key: str,
        runtime: Path,
        assets: Path,
        prepare: Callable[[Path], None] | None = None,
        finish: Callable[[Path], None] | None = None,
    ) -> Path:
        """The cache folder for `key`, made by running the maker if it is not there yet.

        `prepare(work)` may put inputs into the folder before the maker runs, and
        `finish(work)` add to what it made (once, as it is cached with it).
        """
        cache = cache_root / self.cache
        entry = cache / key
        if (entry / self.record).is_file():
            entry.touch()
            return entry
        cache.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="making-", dir=cache))
        try:
            if prepare is not None:
                prepare(work)
            done = subprocess.run(
                [node(self.what), *map(str, (self.inputs()[0], runtime, assets, work)),
                 *map(str, self.files)],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                raise BuildError(f"Could not make the checker's {self.what}:\n{done.stderr}")
            if finish is not None:
                finish(work)
            (work / self.record).write_text(done.stdout, encoding="utf-8")
            try:
                work.rename(entry)
            except OSError:
                # Another build made the same meanwhile.
                if not (entry / self.record).is_file():
                    raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
        for old in sorted(cache.iterdir(), key=lambda p: p.stat().st_mtime)[:-KEEP_CACHED]:
            if not old.name.startswith("making-"):
                shutil.rmtree(old, ignore_errors=True)
        return entry
