"""Throughput and memory of `meshward watch` on JSON access logs.

    python -m bench.watch.bench [--lines 1000000] [--services 200] [--archive]

Writes a 200-service fleet (Deployments, Services, a pods dump with IPs; each service calls
the next two) and N Istio JSON access-log lines (1 in 1,000 on no edge of the graph, 1 in 50
answered 401), then runs `meshward watch` over them in a child process and prints lines per
CPU-second (reading, parsing, identity mapping and every detector; the model build is
measured apart and subtracted), lines per wall-clock second, and the child's peak memory.
CPU time is the fair per-core figure on a shared machine. Never gates CI: it only prints.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NS = "fleet"


def ip(i: int) -> str:
    return f"10.244.{i // 250}.{i % 250 + 1}"


def write_fleet(folder: Path, n: int) -> None:
    docs = []
    pods = []
    for i in range(n):
        name = f"svc{i:03d}"
        env = [{"name": f"DEP{k}_URL", "value": f"http://svc{(i + k) % n:03d}:8080"} for k in (1, 2)]
        docs.append({"apiVersion": "apps/v1", "kind": "Deployment",
                     "metadata": {"name": name, "namespace": NS, "labels": {"app": name}},
                     "spec": {"selector": {"matchLabels": {"app": name}}, "template": {
                         "metadata": {"labels": {"app": name}},
                         "spec": {"serviceAccountName": name, "containers": [
                             {"name": name, "image": f"registry.example/{name}:1.0", "env": env,
                              "ports": [{"containerPort": 8080}]}]}}}})
        docs.append({"apiVersion": "v1", "kind": "Service",
                     "metadata": {"name": name, "namespace": NS},
                     "spec": {"selector": {"app": name}, "ports": [{"port": 8080}]}})
        pods.append({"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"name": f"{name}-7d9f8c6b5d-x2x9q", "namespace": NS,
                                  "labels": {"app": name}},
                     "spec": {"serviceAccountName": name,
                              "containers": [{"name": name, "image": f"registry.example/{name}:1.0"}]},
                     "status": {"podIP": ip(i)}})
    (folder / "fleet.json").write_text(json.dumps({"apiVersion": "v1", "kind": "List",
                                                   "items": docs + pods}), encoding="utf-8")


def write_logs(path: Path, lines: int, n: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for k in range(lines):
            src = k % n
            hop = 1 + (k & 1) if k % 1000 else 7  # 1 in 1,000 calls off the graph
            dst = (src + hop) % n
            code = 401 if k % 50 == 0 else 200
            sec = k // 10_000
            out.write(json.dumps({
                "start_time": f"2026-12-01T{10 + sec // 3600:02d}:{sec // 60 % 60:02d}:"
                              f"{sec % 60:02d}.{k % 1000:03d}Z",
                "method": "GET", "path": f"/api/v1/items/{k % 977}", "protocol": "HTTP/1.1",
                "response_code": code, "response_flags": "-", "response_code_details": "via_upstream",
                "bytes_received": 0, "bytes_sent": 512, "duration": 3, "upstream_service_time": "2",
                "x_forwarded_for": None, "user_agent": "Go-http-client/1.1",
                "request_id": f"{k:08x}-6d84-929d-98bd-c5aee93b5c88",
                "authority": f"svc{dst:03d}:8080", "upstream_host": f"{ip(dst)}:8080",
                "upstream_cluster": f"outbound|8080||svc{dst:03d}.{NS}.svc.cluster.local",
                "upstream_local_address": f"{ip(src)}:37652",
                "downstream_local_address": "10.96.0.1:8080",
                "downstream_remote_address": f"{ip(src)}:{30000 + k % 30000}",
                "requested_server_name": None, "route_name": "default"},
                separators=(",", ":")) + "\n")


def _child(cmd: list[str]) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS MB, exit code) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    return (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
            os.waitstatus_to_exitcode(status))


def run(folder: Path, logs: Path, archive: bool) -> dict[str, float]:
    """One watch over the logs, and one over an empty log (the model build alone)."""
    base = [sys.executable, "-m", "meshward.cli.main", "watch", str(folder / "fleet.json"),
            "-f", "json", "-o", "/dev/null"]
    extra = ["--archive", str(folder / "archive"), "--archive-key", str(folder / "key")]
    (folder / "empty.log").write_text("", encoding="utf-8")
    m_wall, m_cpu, _, _ = _child([*base, "--logs", str(folder / "empty.log")])
    wall, cpu, rss, code = _child([*base, "--logs", str(logs), *(extra if archive else [])])
    return {"wall": wall, "cpu": cpu, "model_wall": m_wall, "model_cpu": m_cpu, "rss": rss,
            "code": code}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--services", type=int, default=200)
    ap.add_argument("--archive", action="store_true", help="also keep the signed archive")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_fleet(folder, args.services)
        logs = folder / "access.log"
        write_logs(logs, args.lines, args.services)
        size = logs.stat().st_size / 1e6
        r = run(folder, logs, args.archive)
        cpu = max(r["cpu"] - r["model_cpu"], 1e-9)
        wall = max(r["wall"] - r["model_wall"], 1e-9)
        print(f"{args.lines:,} Istio JSON access-log lines ({size:.0f} MB), "
              f"{args.services}-service graph{', archive on' if args.archive else ''}")
        print(f"  total {r['wall']:.1f}s wall, {r['cpu']:.1f}s CPU (model build "
              f"{r['model_cpu']:.1f}s CPU), exit code {r['code']:.0f}")
        print(f"  {args.lines / cpu:,.0f} lines per CPU-second (one core; log processing only)")
        print(f"  {args.lines / wall:,.0f} lines/s wall clock (shared machine: load "
              f"{os.getloadavg()[0]:.1f})")
        print(f"  peak memory {r['rss']:.0f} MB")

if __name__ == "__main__":
    main()
