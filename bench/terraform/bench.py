"""Time `meshward scan` on generated Terraform trees of growing size; print the figures.

    python -m bench.terraform.bench [--sizes 1000,2500,5000] [--checkov PATH]

Checkov runs on the same tree (``--framework terraform``) when it is installed. Never gates CI.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.terraform.generate import generate


def _scan(path: Path, out: Path) -> tuple[float, float, dict[str, int]]:
    """Wall seconds, CPU seconds (user + system, workers included) and findings per rule."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with out.open("w") as sink:
        subprocess.run([sys.executable, "-m", "meshward.cli.main", "scan", str(path), "-f",
                        "json"], stdout=sink, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    counts: dict[str, int] = {}
    try:
        report = json.loads(out.read_text())
        for f in report.get("findings", []):
            rid = f.get("rule_id") or f.get("rule") or "?"
            counts[rid] = counts.get(rid, 0) + 1
    except json.JSONDecodeError:
        counts["(no JSON report)"] = 1
    return wall, cpu, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,2500,5000")
    parser.add_argument("--checkov", default=shutil.which("checkov") or "")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"{'resources':>10} {'files':>6} {'wall s':>8} {'cpu s':>8} {'res/s':>8}  MWC findings")
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            count = generate(root, size)
            files = sum(1 for _ in root.rglob("*.tf"))
            wall, cpu, counts = _scan(root, Path(tmp + ".report.json"))
            cloud = {k: v for k, v in sorted(counts.items()) if k.startswith("MWC")}
            rows.append((count, wall))
            print(f"{count:>10} {files:>6} {wall:>8.2f} {cpu:>8.2f} {count / wall:>8.0f}  {cloud}")
            Path(tmp + ".report.json").unlink(missing_ok=True)
            if args.checkov:
                start = time.perf_counter()
                subprocess.run([args.checkov, "-d", str(root), "--framework", "terraform",
                                "--quiet", "--compact", "-o", "json"], capture_output=True,
                               check=False)
                print(f"{'':>10} {'':>6} {time.perf_counter() - start:>8.2f}  (Checkov)")
    if not args.checkov:
        print("Checkov is not installed: no comparison figure")
    if len(rows) >= 2:
        (n0, t0), (n1, t1) = rows[0], rows[-1]
        print(f"growth: {n1 / n0:.1f}x resources -> {t1 / t0:.1f}x time")


if __name__ == "__main__":
    main()
