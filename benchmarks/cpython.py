"""How long `checker.diagnose` takes on CPython: a typical case and big kubeconfigs.

Not a test (timings on shared machines are noise to a test); run it by hand:

    .venv/bin/python benchmarks/cpython.py [--repeat N] [--json]

Prints the median of N runs for a typical case (status + kubeconfig + kubectl
output) and for kubeconfigs of about 100 KB and 1 MB, with the time per KB so
that linear growth is easy to see. The aim: under 20 ms for the typical case.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from checker import diagnose  # noqa: E402
from checker.organisation import load_organisation_file  # noqa: E402

CORPUS = REPO / "tests" / "cases"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def big_kubeconfig(base: str, target_bytes: int) -> str:
    """The corpus kubeconfig grown with more clusters, contexts and users to about target_bytes."""
    head, users = base.split("users:\n", 1)
    clusters_part, rest = head.split("contexts:\n", 1)
    contexts_part, current = rest.split("current-context:", 1)
    cluster = clusters_part.split("clusters:\n", 1)[1]
    context = contexts_part
    user = users
    extra_clusters, extra_contexts, extra_users = [], [], []
    size, i = len(base), 0
    while size < target_bytes:
        i += 1
        for part, into in (
            (cluster, extra_clusters),
            (context, extra_contexts),
            (user, extra_users),
        ):
            grown = part.replace("hot-prod", f"hot-{i}").replace("name: me", f"name: me-{i}")
            into.append(grown)
            size += len(grown)
    return (
        clusters_part
        + "".join(extra_clusters)
        + "contexts:\n"
        + contexts_part
        + "".join(extra_contexts)
        + "current-context:"
        + current
        + "users:\n"
        + users
        + "".join(extra_users)
    )


@dataclass(frozen=True)
class Scenario:
    """What a user pastes: the three boxes (None: left empty) and the role chosen."""

    name: str
    texts: dict[str, str | None]
    role: str | None

    @property
    def size(self) -> int:
        return sum(len(text) for text in self.texts.values() if text)


def scenarios() -> list[Scenario]:
    """The typical case, then kubeconfigs of about 100 KB and 1 MB (benchmarks/run.py too)."""
    good = CORPUS / "staff-all-good"
    status = (good / "tailscale-status.json").read_text()
    kubeconfig = (good / "kubeconfig.yaml").read_text()
    kubectl = (CORPUS / "forbidden-rbac" / "kubectl.txt").read_text()
    typical = Scenario(
        "typical (status + kubeconfig + kubectl)",
        {"tailscale_status": status, "kubeconfig": kubeconfig, "kubectl_output": kubectl},
        "staff",
    )
    big = [
        Scenario(
            f"kubeconfig ~{target // 1000} KB",
            {
                "tailscale_status": status,
                "kubeconfig": big_kubeconfig(kubeconfig, target),
                "kubectl_output": None,
            },
            None,
        )
        for target in (100_000, 1_000_000)
    ]
    return [typical, *big]


def median_ms(call: Callable[[], object], repeat: int) -> float:
    call()  # warm caches (catalogue, regexes)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    organisation = load_organisation_file(REPO / "organisation.yml")
    calls: list[tuple[str, int, Callable[[], object]]] = [
        (
            scenario.name,
            scenario.size,
            lambda scenario=scenario: diagnose(
                organisation=organisation, **scenario.texts, role=scenario.role, now=NOW
            ),
        )
        for scenario in scenarios()
    ]

    results = []
    for name, size, call in calls:
        repeat = args.repeat if size < 500_000 else max(3, args.repeat // 5)
        ms = median_ms(call, repeat)
        results.append(
            {
                "scenario": name,
                "bytes": size,
                "median_ms": round(ms, 2),
                "ms_per_kb": round(ms / (size / 1000), 3),
                "runs": repeat,
            }
        )
    if args.json:
        print(json.dumps({"python": sys.version.split()[0], "results": results}, indent=2))
    else:
        print(f"CPython {sys.version.split()[0]}, median of N runs")
        for r in results:
            print(
                f"  {r['scenario']:<42} {r['bytes']:>9,} B  {r['median_ms']:>9.2f} ms"
                f"  ({r['ms_per_kb']:.3f} ms/KB, N={r['runs']})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
