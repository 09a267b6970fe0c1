"""Build a scan context from inline YAML documents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from meshward.checks.context import ScanContext
from meshward.config import Config
from meshward.model.kubernetes import Workload
from meshward.pipeline import build_context, scan
from meshward.zerotrust.netpol import Segmentation, evaluate
from meshward.zerotrust.peers import PodView


def deployment(name: str, ns: str = "shop", labels: str = "", port: int = 8080,
               env: str = "", annotations: str = "") -> str:
    extra = f"\n        {labels}" if labels else ""
    ann = f"\n      annotations:\n        {annotations}" if annotations else ""
    env_block = f"\n        env:\n        - {{name: TARGET_URL, value: \"{env}\"}}" if env else ""
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
spec:
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels:
        app: {name}{extra}{ann}
    spec:
      containers:
      - name: {name}
        image: {name}:1{env_block}
        ports:
        - {{name: http, containerPort: {port}}}
"""


def service(name: str, ns: str = "shop", port: int = 80, target: int | str = 8080) -> str:
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  selector: {{app: {name}}}
  ports:
  - port: {port}
    targetPort: {target}
"""


def write(tmp: Path, *docs: str) -> Path:
    if docs:
        (tmp / "all.yaml").write_text("---\n".join(docs))
    return tmp


def context(tmp: Path, *docs: str) -> ScanContext:
    return build_context([write(tmp, *docs)], Config(), dt.date(2026, 1, 1))


def findings(tmp: Path, select: str, *docs: str) -> list[tuple[str, int, str]]:
    result = scan([write(tmp, *docs)], Config(), dt.date(2026, 1, 1), select=[select])
    assert result.errors == []
    return [(f.rule_id, f.location.line, f.message) for f in result.findings]


def pods(ctx: ScanContext) -> tuple[Segmentation, dict[str, PodView]]:
    seg = evaluate(ctx.inventory)
    return seg, {f"{p.namespace}/{p.workload.name}": p for p in seg.pods}


def workload(ctx: ScanContext, name: str) -> Workload:
    return next(w for w in ctx.inventory.workloads if w.name == name)
