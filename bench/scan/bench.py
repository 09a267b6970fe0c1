"""Time `meshward scan` (and Checkov, when installed) on the same trees; print the figures.

    python -m bench.scan.bench [--sizes 100,500,1000] [--copies 20] [--checkov PATH]

Trees: the synthetic fleet at each size, and COPIES copies of ../shared/corpus (when present).
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
CORPUS = ROOT.parent / "shared" / "corpus"


def timed(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB of this child (and its own children), and its exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def meshward_cmd(path: Path) -> list[str]:
    return [sys.executable, "-m", "meshward.cli.main", "scan", str(path), "-f", "json", "-o", "/dev/null"]


def checkov_cmd(checkov: str, path: Path) -> list[str]:
    return [checkov, "-d", str(path), "--framework", "kubernetes,dockerfile", "--quiet",
            "--compact", "-o", "json"]


def copies_of_corpus(dest: Path, copies: int) -> Path:
    for i in range(copies):
        shutil.copytree(CORPUS, dest / f"copy-{i:02d}", symlinks=True)
    return dest


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="500,1000,2000,4000")
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--checkov", default=shutil.which("checkov") or "")
    args = ap.parse_args()
    print(f"{'tree':<28}{'tool':<10}{'wall s':>9}{'peak MB':>9}{'exit':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        trees: list[tuple[str, Path]] = []
        if CORPUS.is_dir():
            trees.append(("corpus x1", copies_of_corpus(Path(tmp) / "c1", 1)))
            trees.append((f"corpus x{args.copies}", copies_of_corpus(Path(tmp) / "cn", args.copies)))
        for n in (int(s) for s in args.sizes.split(",") if s):
            folder = Path(tmp) / f"fleet-{n}"
            generate(folder, n)
            trees.append((f"synthetic {n} services", folder))
        for label, path in trees:
            wall, peak, code = timed(meshward_cmd(path))
            print(f"{label:<28}{'meshward':<10}{wall:>9.2f}{peak:>9.0f}{code:>6}", flush=True)
            if args.checkov and label.startswith("corpus x1"):
                wall, peak, code = timed(checkov_cmd(args.checkov, path))
                print(f"{label:<28}{'checkov':<10}{wall:>9.2f}{peak:>9.0f}{code:>6}", flush=True)


if __name__ == "__main__":
    main()
