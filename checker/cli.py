"""`python -m checker`: read the inputs from files (or collect them), print the report.

The only module that touches files, the environment and other programs; the
diagnosis itself is `checker.diagnose`.
"""

from __future__ import annotations

import argparse
import codecs
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from checker.boxes import BOXES, KUBECONFIG, KUBECTL_OUTPUT, TAILSCALE_STATUS
from checker.engine import diagnose
from checker.organisation import (
    Organisation,
    OrganisationError,
    load_organisation_file,
    organisation_path,
)
from checker.report import render_json, render_text
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
        print(
            "note: the `tailscale` command is not installed (or not on PATH).",
            file=sys.stderr,
        )
        # What a shell prints in that case; the checker recognises it.
        return "tailscale: command not found"
    try:
        result = subprocess.run(
            [exe, "status", "--json"],
            capture_output=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"failed to connect to local tailscaled ({error})"
    out, err = decode(result.stdout), decode(result.stderr)
    return out if out.strip() else err


def _kubeconfig() -> str | None:
    env = os.environ.get("KUBECONFIG")
    candidates = [Path(p) for p in env.split(os.pathsep) if p] if env else []
    candidates.append(Path.home() / ".kube" / "config")
    for path in candidates:
        if path.is_file():
            print(f"note: reading the kubeconfig {path}", file=sys.stderr)
            return read_text(str(path))
    print("note: no kubeconfig found ($KUBECONFIG, ~/.kube/config)", file=sys.stderr)
    return None


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
