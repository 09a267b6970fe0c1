"""Precision and recall per detector family on the generated evaluation tree."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from meshward.secrets.engine import scan_paths
from tests.secrets.eval.generate import build

THRESHOLD = 0.95


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, int, int]]:
    root = tmp_path_factory.mktemp("eval")
    labels = build(root)
    result = scan_paths([root], jobs=1)
    assert result.errors == []
    found: dict[tuple[str, int], set[str]] = {}
    for m in result.matches:
        found.setdefault((m.path, m.line), set()).add(m.family)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for where, family in labels.items():
        if family in found.get(where, set()):
            tp[family] += 1
        else:
            fn[family] += 1
    for where, families in found.items():
        for family in families:
            if labels.get(where) != family:
                fp[family] += 1
    families = sorted(set(labels.values()) | set(fp))
    print("\nfamily        positives  precision  recall")
    for fam in families:
        p = tp[fam] / (tp[fam] + fp[fam]) if tp[fam] + fp[fam] else 1.0
        r = tp[fam] / (tp[fam] + fn[fam]) if tp[fam] + fn[fam] else 1.0
        print(f"{fam:<13} {tp[fam] + fn[fam]:>9}  {p:>9.3f}  {r:>6.3f}")
    return {fam: (tp[fam], fp[fam], fn[fam]) for fam in families}


def test_every_family_is_measured(scored: dict[str, tuple[int, int, int]]) -> None:
    assert {"cloud", "vcs-ci", "infra", "chat", "payment", "saas", "ai", "private-key", "jwt",
            "url", "generic", "k8s-secret"} <= set(scored)


def test_precision_per_family(scored: dict[str, tuple[int, int, int]]) -> None:
    low = {f: (tp, fp) for f, (tp, fp, _) in scored.items() if tp + fp and tp / (tp + fp) < THRESHOLD}
    assert low == {}


def test_recall_per_family(scored: dict[str, tuple[int, int, int]]) -> None:
    low = {f: (tp, fn) for f, (tp, _, fn) in scored.items() if tp + fn and tp / (tp + fn) < THRESHOLD}
    assert low == {}


def test_every_known_detector_is_in_the_eval_set() -> None:
    from meshward.secrets.catalog import DETECTORS
    from tests.secrets.eval.tokens import KNOWN

    generated_elsewhere = {"private-key", "putty-private-key", "jwt", "basic-auth-url",
                           "connection-string-password"}
    assert {d.id for d in DETECTORS} - generated_elsewhere == set(KNOWN)
    assert len(DETECTORS) >= 60


def test_the_tree_is_deterministic(tmp_path: Path) -> None:
    a = tmp_path / "a"
    b = tmp_path / "b"
    build(a)
    build(b)
    for f in a.rglob("*"):
        if f.is_file() and "keys" not in f.parts and f.name != "sa.json":
            assert f.read_bytes() == (b / f.relative_to(a)).read_bytes(), f
