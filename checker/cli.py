"""`python -m checker`: read the inputs from files (or collect them), print the report.

The only module that touches files, the environment and other programs; the
diagnosis itself is `checker.diagnose`.
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TextIO

from checker.boxes import BOXES, KUBECONFIG, KUBECTL_OUTPUT, TAILSCALE_STATUS
from checker.engine import diagnose
from checker.organisation import (
    Organisation,
    OrganisationError,
    load_organisation_file,
    organisation_path,
)
from checker.parse import yamltree
from checker.report import render_json, render_text, visible
from checker.text import MAX_CHARS

USAGE_ERROR = 2
# macOS app installs keep the CLI inside the bundle, not on PATH.
_MAC_CLI = "/Applications/Tailscale.app/Contents/MacOS/Tailscale"


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        organisation = load_organisation_file(organisation_path(_pre_parse(args_list)))
    except OrganisationError as error:
        print(f"error: organisation data: {error}", file=sys.stderr)
        return USAGE_ERROR
    parser = _parser(organisation)
    args = parser.parse_args(args_list)

    texts: dict[str, str | None] = {box.field: None for box in BOXES}
    if args.collect:
        texts.update(collect())
    stdin_used = False
    for box in BOXES:
        path = getattr(args, box.field)
        if path is None:
            continue
        if path == "-":
            if stdin_used:
                parser.error("only one input can be read from stdin (-)")
            stdin_used = True
        try:
            texts[box.field] = read_text(path)
        except OSError as error:
            parser.error(f"cannot read {path}: {error.strerror or error}")

    report = diagnose(
        organisation=organisation,
        **texts,
        role=args.role,
        tailnets=tuple(args.tailnet or ()),
        now=args.now,
    )
    if args.format == "json":
        _write(sys.stdout, render_json(report) + "\n")
    else:
        _write(
            sys.stdout, render_text(report, unicode=_can_encode(sys.stdout, "\u2713\u2717\u2013"))
        )
    return report.exit_code


def _pre_parse(argv: list[str]) -> str | None:
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--organisation")
    known, _ = pre.parse_known_args(argv)
    return known.organisation  # type: ignore[no-any-return]


def _parser(organisation: Organisation) -> argparse.ArgumentParser:
    roles = [r.id for r in organisation.roles]
    parser = argparse.ArgumentParser(
        prog="python -m checker",
        description=(
            f"Say which access layer fails between you and {organisation.short_name}'s "
            "Kubernetes control plane on the tailnet. Give any of the three inputs."
        ),
        epilog="Exit status: 0 ok, 1 a layer fails, 2 unusable input or usage error.",
    )
    helps = {
        TAILSCALE_STATUS: "output of `tailscale status --json` (or the error it printed)",
        KUBECONFIG: "your kubeconfig file",
        KUBECTL_OUTPUT: f"what `{organisation.kubernetes.test_command}` printed",
    }
    for box in BOXES:
        parser.add_argument(
            box.option, metavar="FILE", dest=box.field, help=f"{helps[box.id]}; - for stdin"
        )
    parser.add_argument(
        "--role",
        choices=roles,
        help="your role (default: any role's tailnet is accepted)",
    )
    parser.add_argument(
        "--tailnet",
        action="append",
        metavar="NAME",
        help="expected tailnet name; repeat for several (overrides the role's tailnets)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--now",
        type=_iso_time,
        metavar="ISO8601",
        help="check expiry against this time instead of the current time",
    )
    parser.add_argument(
        "--organisation",
        metavar="FILE",
        help="organisation data (default: $ORGANISATION_FILE, else organisation.yml)",
    )
    parser.add_argument(
        "--collect",
        action="store_true",
        help="run `tailscale status --json` and read $KUBECONFIG or ~/.kube/config yourself",
    )
    return parser


def _iso_time(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from None


def read_text(path: str) -> str:
    """A file (or stdin for "-") as text, honouring a UTF-8/UTF-16 byte-order mark.

    Windows PowerShell's `>` writes UTF-16, so a redirected status file often is.
    Reads at most a little over the cap: the core reports anything larger.
    """
    if path == "-":
        data = sys.stdin.buffer.read(MAX_CHARS * 4 + 4)
    else:
        with open(path, "rb") as handle:
            data = handle.read(MAX_CHARS * 4 + 4)
    return decode(data)


def decode(data: bytes) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    return data.decode("utf-8", errors="replace")


def collect() -> dict[str, str | None]:
    """The inputs of this computer, read the way kubectl and tailscale would."""
    return {"tailscale_status": _tailscale_status(), "kubeconfig": _kubeconfig()}


def _tailscale_status() -> str:
    exe = shutil.which("tailscale") or (_MAC_CLI if os.path.exists(_MAC_CLI) else None)
    if exe is None:
        _note("the `tailscale` command is not installed (or not on PATH).")
        # What a shell prints in that case; the checker recognises it.
        return "tailscale: command not found"
    try:
        out, err = run_bounded([exe, "status", "--json"], limit=MAX_CHARS * 4 + 4, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"failed to connect to local tailscaled ({error})"
    text = decode(out)
    return text if text.strip() else decode(err)


def run_bounded(command: list[str], *, limit: int, timeout: float) -> tuple[bytes, bytes]:
    """A command's stdout and stderr, each cut at `limit` bytes: a program that prints
    without end is stopped, not read into memory."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        outputs: list[bytes] = [b"", b""]

        def drain(stream: IO[bytes], slot: int) -> None:
            kept = bytearray()
            while chunk := stream.read(65536):
                kept += chunk[: max(0, limit - len(kept))]
                if len(kept) >= limit:
                    child.kill()  # enough: the checker reads no more than this
                    break
            outputs[slot] = bytes(kept)

        assert child.stdout is not None and child.stderr is not None
        readers = [
            threading.Thread(target=drain, args=(child.stdout, 0), daemon=True),
            threading.Thread(target=drain, args=(child.stderr, 1), daemon=True),
        ]
        for reader in readers:
            reader.start()
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            raise
        for reader in readers:
            reader.join(timeout=5)
    return outputs[0], outputs[1]


def _kubeconfig() -> str | None:
    """The kubeconfig kubectl would use: the files `KUBECONFIG` lists when it is set
    (missing ones skipped, as kubectl does, and merged, first one winning), else
    ~/.kube/config. It never falls back to ~/.kube/config when `KUBECONFIG` is set."""
    env = os.environ.get("KUBECONFIG")
    paths = [p for p in env.split(os.pathsep) if p] if env else []
    if not paths:
        paths = [str(Path.home() / ".kube" / "config")]
    texts: list[tuple[str, str]] = []
    for path in paths:
        try:
            texts.append((path, read_text(path)))
        except FileNotFoundError:
            where = "KUBECONFIG names" if env else "kubectl's default kubeconfig is"
            _note(f"{where} {path}, which does not exist; kubectl skips it.")
        except OSError as error:
            _note(f"cannot read the kubeconfig {path}: {error.strerror or error}.")
    if not texts:
        _note("no kubeconfig found" + (f" in KUBECONFIG={env}" if env else " (~/.kube/config)"))
        return None
    if len(texts) == 1:
        _note(f"reading the kubeconfig {texts[0][0]}")
        return texts[0][1]
    return _merged(texts)


def _merged(texts: list[tuple[str, str]]) -> str:
    """Several kubeconfig files as kubectl merges them: the first file that sets a
    value, or names an entry, wins. A file that does not load is returned alone (kubectl
    fails on it too), so that the checker reports it."""
    loaded = []
    for path, text in texts:
        data, problem = yamltree.load(text)
        if problem is not None or not isinstance(data, dict):
            _note(f"the kubeconfig {path} does not load; checking it alone")
            return text
        loaded.append(data)
    merged: dict[str, Any] = {"apiVersion": "v1", "kind": "Config"}
    for data in loaded:
        for key in ("current-context", "preferences"):
            if key in data and key not in merged:
                merged[key] = data[key]
        for key in ("clusters", "contexts", "users"):
            entries = merged.setdefault(key, [])
            names = {e.get("name") for e in entries if isinstance(e, dict)}
            for entry in data.get(key) or []:
                if isinstance(entry, dict) and entry.get("name") not in names:
                    entries.append(entry)
                    names.add(entry.get("name"))
    _note(f"merged the kubeconfigs {', '.join(path for path, _ in texts)} as kubectl does")
    # JSON is YAML: one value a line, so findings still point at lines.
    return json.dumps(merged, indent=2, ensure_ascii=False) + "\n"


def _note(text: str) -> None:
    print(f"note: {visible(text)}", file=sys.stderr)


def _can_encode(stream: TextIO, sample: str) -> bool:
    try:
        sample.encode(stream.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _write(stream: TextIO, text: str) -> None:
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = stream.encoding or "ascii"
        stream.write(text.encode(encoding, errors="replace").decode(encoding))
    stream.flush()
