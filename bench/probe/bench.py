"""Probe 100 local endpoints with every check and print how long it took.

    python bench/probe/bench.py [--endpoints 100] [--rate 5000]

The endpoints are the test service (tests/probe/servers/app.py, correct configuration:
mTLS, RS256 tokens, rate limit) on 100 ports of one separate process, so the server does
not share the probe's interpreter. Never gates CI.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import yaml  # noqa: E402

from meshward.probe.runner import PROBE_RULES, run_probe  # noqa: E402
from meshward.probe.safety import Allowlist  # noqa: E402
from meshward.probe.targets import load_targets  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoints", type=int, default=100)
    parser.add_argument("--rate", type=float, default=5000.0, help="per-host requests/second")
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="meshward-bench-") as tmp:
        folder = Path(tmp)
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.probe.servers.app", "--dir", str(folder / "pki"),
             "--count", str(args.endpoints)], cwd=REPO, stdout=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None
            ports = json.loads(server.stdout.readline())["ports"]
            pki = folder / "pki"
            endpoint = {
                "expects": ["token", "client_cert"], "issuer": "https://idp.test.local/",
                "audience": "orders", "kid": "idp-1", "public_key": str(pki / "idp.pub.pem"),
                "signing_key": str(pki / "idp.key"), "valid_token": (pki / "token").read_text(),
                "client_cert": str(pki / "client.pem"), "client_key": str(pki / "client.key"),
                "ca": str(pki / "ca.pem"), "rate_limit": {"requests": 20, "burst": 60},
                "private_ports": [1],
            }
            doc = {"limits": {"requests": 200 * len(ports), "per_host_rate": args.rate,
                              "concurrency": args.concurrency, "timeout": 10},
                   "defaults": endpoint,
                   "endpoints": [{"name": f"svc{i:03d}", "url": f"https://127.0.0.1:{p}/api/x"}
                                 for i, p in enumerate(ports)]}
            path = folder / "targets.yaml"
            path.write_text(yaml.safe_dump(doc, sort_keys=False))
            targets = load_targets(path)
            assert not targets.errors, targets.errors
            started = time.perf_counter()
            result = run_probe(targets.endpoints, targets.limits, Allowlist([]))
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"probe bench: {len(ports)} endpoints x {len(PROBE_RULES)} checks: "
          f"{result.requests} requests in {elapsed:.2f} s "
          f"({result.requests / elapsed:.0f} requests/s, per-host rate cap {args.rate:g}/s, "
          f"concurrency {args.concurrency}); findings: {len(result.findings)}")
    by_rule: dict[str, int] = {}
    for f in result.findings:
        by_rule[f.rule_id] = by_rule.get(f.rule_id, 0) + 1
    if by_rule:
        print("  findings by check: " + ", ".join(f"{k}={v}" for k, v in sorted(by_rule.items())))
    for notice in result.notices:
        print(f"  notice: {notice}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
