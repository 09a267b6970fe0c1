"""Time `meshward report` and the page's first render in headless Chromium; print the figures.

    python -m bench.report.bench [--sizes 100,500,1500] [--copies 20]

Trees: the synthetic fleet at each size, and COPIES copies of ../shared/corpus (when present).
Render: wall seconds of `chromium --headless --dump-dom` until the page's scripts have run
(the graph drawn), Chromium's own start included. Never gates CI: it only prints.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.scan.bench import CORPUS
from bench.scan.generate import generate

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def report(tree: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "meshward.cli.main", "report", str(tree), "-o", str(out)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def render(page: Path) -> float | None:
    if not Path(CHROMIUM).exists():
        return None
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        start = time.perf_counter()
        proc = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom",
                               page.as_uri()], capture_output=True, text=True, timeout=600)
        took = time.perf_counter() - start
    return took if 'data-graph-ready="true"' in proc.stdout else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,500,1500")
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus to copy")
    args = parser.parse_args()
    print(f"{'tree':<22} {'report s':>9} {'page MB':>8} {'render s':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        trees: list[tuple[str, Path]] = []
        for n in (int(s) for s in args.sizes.split(",") if s):
            generate(Path(tmp) / f"fleet-{n}", n)
            trees.append((f"synthetic {n}", Path(tmp) / f"fleet-{n}"))
        if args.corpus.is_dir() and args.copies:
            dest = Path(tmp) / "corpus"
            for i in range(args.copies):
                shutil.copytree(args.corpus, dest / f"copy-{i:02d}", symlinks=True)
            trees.append((f"corpus x{args.copies}", dest))
        for label, tree in trees:
            page = Path(tmp) / f"{label.replace(' ', '-')}.html"
            took = report(tree, page)
            shown = render(page)
            size = page.stat().st_size / 1e6 if page.exists() else 0.0
            print(f"{label:<22} {took:>9.2f} {size:>8.1f} "
                  f"{'-' if shown is None else f'{shown:.2f}':>9}")


if __name__ == "__main__":
    main()
