"""Time `meshward scan` (and Checkov, when installed) on the same trees; print the figures.

    python -m bench.scan.bench [--copies 1,5,20,40] [--sizes 10000] [--repeat 3] [--checkov PATH]

Trees: COPIES copies of ../shared/corpus (when present) and the synthetic fleet of
``bench/scan/generate.py`` at each size. Each figure is the best wall time of REPEAT runs of
a fresh ``meshward scan TREE -f json`` process (start-up included), its CPU time (its own and
its children's: kustomize, worker processes) and its peak memory. The children run with a
bytecode cache, as an installed meshward has (this machine may set PYTHONDONTWRITEBYTECODE).
Never gates CI: it only prints.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.scan.generate import generate

ROOT = Path(__file__).resolve().parents[2]
CORPUS = next((p / "shared" / "corpus" for p in ROOT.parents if (p / "shared" / "corpus").is_dir()),
              ROOT.parent / "shared" / "corpus")


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds and peak RSS in MB of this child (with its own children),
    and its exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def best_of(cmd: list[str], env: dict[str, str], repeat: int) -> tuple[float, float, float, int]:
    runs = [timed(cmd, env) for _ in range(max(1, repeat))]
    wall = min(r[0] for r in runs)
    cpu = min(r[1] for r in runs)
    return wall, cpu, max(r[2] for r in runs), runs[-1][3]


def meshward_cmd(path: Path) -> list[str]:
    return [sys.executable, "-m", "meshward.cli.main", "scan", str(path), "-f", "json", "-o", "/dev/null"]


def checkov_cmd(checkov: str, path: Path) -> list[str]:
    return [checkov, "-d", str(path), "--framework", "kubernetes,dockerfile", "--quiet",
            "--compact", "-o", "json"]


def copies_of_corpus(dest: Path, copies: int) -> Path:
    for i in range(copies):
        shutil.copytree(CORPUS, dest / f"copy-{i:02d}", symlinks=True)
    return dest


def count_files(path: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(path))


def child_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return env


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", default="1,5,20,40", help="corpus copies per tree (comma-separated)")
    ap.add_argument("--sizes", default="10000", help="synthetic fleet sizes in services")
    ap.add_argument("--repeat", type=int, default=3, help="runs per tree; the best is shown")
    ap.add_argument("--checkov", default=shutil.which("checkov") or "")
    args = ap.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} cores, load average {load} at start")
    print(f"{'tree':<30}{'files':>7}  {'tool':<10}{'wall s':>8}{'cpu s':>8}{'peak MB':>9}{'exit':>6}")
    walls: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = child_env(tmp)
        trees: list[tuple[str, Path]] = []
        if CORPUS.is_dir():
            for n in (int(s) for s in args.copies.split(",") if s):
                trees.append((f"corpus x{n}", copies_of_corpus(tmp / f"corpus-x{n}", n)))
        else:
            print(f"(corpus copies skipped: {CORPUS} is absent)")
        for n in (int(s) for s in args.sizes.split(",") if s):
            folder = tmp / f"fleet-{n}"
            generate(folder, n)
            trees.append((f"synthetic {n} services", folder))
        if trees:
            timed(meshward_cmd(trees[0][1]), env)  # warm-up: writes the bytecode cache
        for label, path in trees:
            wall, cpu, peak, code = best_of(meshward_cmd(path), env, args.repeat)
            walls[label] = wall
            print(f"{label:<30}{count_files(path):>7}  {'meshward':<10}{wall:>8.2f}{cpu:>8.2f}"
                  f"{peak:>9.0f}{code:>6}", flush=True)
            if label == "corpus x1":
                if args.checkov:
                    wall, cpu, peak, code = best_of(checkov_cmd(args.checkov, path), env, 1)
                    print(f"{label:<30}{count_files(path):>7}  {'checkov':<10}{wall:>8.2f}"
                          f"{cpu:>8.2f}{peak:>9.0f}{code:>6}", flush=True)
                else:
                    print(f"{label:<30}{'':>7}  {'checkov':<10}  not installed (--checkov PATH)")
    if "corpus x20" in walls and "corpus x40" in walls:
        print(f"x40 / x20 wall: {walls['corpus x40'] / walls['corpus x20']:.2f}")


if __name__ == "__main__":
    main()
