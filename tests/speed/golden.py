"""Golden JSON reports: the scan's exact output on the corpus folders and examples/shop.

Every speed-up must leave these bytes alone. Regenerate (and review the diff) only when a
change is meant to alter findings:

    python -m tests.speed.golden

Each report is the JSON reporter's text with the run's duration zeroed and its root
replaced by a label, scanned on a fixed date so expiry checks do not drift. Each tree has two
reports: kustomizations rendered (``LABEL.json.gz``, needs kustomize or kubectl) and read as
plain resources (``LABEL.plain.json.gz``, as on a machine without them). Both were recorded
without helm.
"""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
import sys
from contextlib import nullcontext
from pathlib import Path
from unittest import mock

from meshward.config import find_config, load_config
from meshward.loaders import kustomize
from meshward.pipeline import scan
from meshward.reporters.interface import Report
from meshward.reporters.json_report import JsonReporter

REPO = Path(__file__).resolve().parents[2]
# ../shared/corpus beside the checkout (or beside a folder above it, for worktrees).
CORPUS = next((p / "shared" / "corpus" for p in REPO.parents if (p / "shared" / "corpus").is_dir()),
              REPO.parent / "shared" / "corpus")
GOLDEN = Path(__file__).resolve().parent / "golden"
TODAY = dt.date(2026, 11, 23)

# label -> folder; corpus entries need ../shared/corpus.
TREES: dict[str, Path] = {
    "shop": REPO / "examples" / "shop",
    "corpus": CORPUS,
    "corpus-online-boutique": CORPUS / "online-boutique",
    "corpus-sock-shop": CORPUS / "sock-shop",
    "corpus-voting-app": CORPUS / "voting-app",
}


VARIANTS = ("rendered", "plain")


def can_record(variant: str) -> str:
    """Why this machine cannot give ``variant`` as recorded ("" when it can)."""
    if shutil.which("helm"):
        return "golden reports were recorded without helm (charts not rendered)"
    if variant == "rendered" and kustomize.kustomize_command() is None:
        return "kustomize/kubectl is not installed"
    return ""


def report_json(label: str, path: Path, variant: str = "rendered") -> str:
    """What ``meshward scan PATH -f json`` prints, minus timing and the absolute root."""
    plain = mock.patch.object(kustomize, "kustomize_command", lambda: None)
    with plain if variant == "plain" else nullcontext():
        result = scan([path], load_config(find_config(path)), today=TODAY)
    report = Report(command="scan", root=label, findings=result.findings, rules=result.rules_run,
                    errors=list(result.errors), notices=result.notices,
                    files_read=result.inventory.files_read,
                    services=len(result.inventory.services), duration_s=0.0)
    return JsonReporter().render(report)


def golden_file(label: str, variant: str = "rendered") -> Path:
    return GOLDEN / (f"{label}.json.gz" if variant == "rendered" else f"{label}.{variant}.json.gz")


def read_golden(label: str, variant: str = "rendered") -> str:
    return gzip.decompress(golden_file(label, variant).read_bytes()).decode("utf-8")


def write_golden(label: str, text: str, variant: str = "rendered") -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    golden_file(label, variant).write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))


def main() -> None:
    for label, path in TREES.items():
        for variant in VARIANTS:
            why = "" if path.is_dir() else f"{path} is absent"
            why = why or can_record(variant)
            if why:
                print(f"skip {label} ({variant}): {why}", file=sys.stderr)
                continue
            write_golden(label, report_json(label, path, variant), variant)
            print(f"wrote {golden_file(label, variant)}")


if __name__ == "__main__":
    main()
