"""Verify 500 image references (50 distinct digests) against a local docker-registry.

    python bench/images/bench.py [--images 50] [--refs-per-image 10] [--concurrency 16]

Starts Debian's docker-registry on 127.0.0.1, pushes N tiny images each under five tags and
signed with a cosign-format signature, writes Kubernetes Deployments naming each image ten
ways (five tags, each bare and pinned by digest), then times `meshward images` over them
(tag -> digest, pinned digests, moved-tag check, signature lookup and verification). Prints
the figures; never gates CI.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from meshward.config import Config  # noqa: E402
from meshward.images.http import HttpClient, Limits  # noqa: E402
from meshward.images.keys import KeyRing, PublicKey, load_key  # noqa: E402
from meshward.images.runner import Options, run_images  # noqa: E402
from meshward.images.targets import collect  # noqa: E402
from meshward.pipeline import load_inventory  # noqa: E402
from tests.images.servers import REGISTRY_BIN, make_keys, start_registry  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=50)
    parser.add_argument("--refs-per-image", type=int, default=10, help="even: tags x 2")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    if REGISTRY_BIN is None:
        print("docker-registry is not installed", file=sys.stderr)
        return 2
    tags = max(1, args.refs_per_image // 2)
    with tempfile.TemporaryDirectory(prefix="meshward-bench-images-") as tmp:
        folder = Path(tmp)
        reg = start_registry(folder)
        try:
            keys = make_keys(folder)
            started = time.perf_counter()
            refs: list[str] = []
            for i in range(args.images):
                repo = f"bench/app{i:03d}"
                digest = reg.push_image(repo, "t0", f"image {i}")
                for t in range(1, tags):
                    reg.retag(repo, f"t{t}", digest)
                reg.sign(repo, digest, keys.trusted)
                for t in range(tags):
                    refs += [f"{reg.host}/{repo}:t{t}", f"{reg.host}/{repo}:t{t}@{digest}"]
            setup = time.perf_counter() - started
            tree = folder / "tree"
            tree.mkdir()
            for d in range(0, len(refs), 5):
                containers = "".join(f"      - name: c{j}\n        image: {ref}\n"
                                     for j, ref in enumerate(refs[d:d + 5]))
                (tree / f"deploy{d // 5:03d}.yaml").write_text(
                    f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{d // 5}\n"
                    f"spec:\n  template:\n    spec:\n      containers:\n{containers}",
                    encoding="utf-8")
            key = load_key(keys.trusted_pub, "trusted.pub")
            assert isinstance(key, PublicKey)
            started = time.perf_counter()
            inv = load_inventory([tree], Config())
            targets, _ = collect(inv, Config())
            http = HttpClient(limits=Limits(requests=20000))
            result = run_images(targets, http, Options(keys=KeyRing(everywhere=[key]),
                                                       concurrency=args.concurrency))
            total = time.perf_counter() - started
        finally:
            reg.stop()
    rules = sorted({f.rule_id for f in result.findings})
    print(f"setup (push {args.images} images x {tags} tags, sign): {setup:.2f} s")
    print(f"references: {result.uses} uses, {result.images} distinct, "
          f"{args.images} distinct digests")
    print(f"requests: {result.requests}")
    print(f"meshward images (load + verify): {total:.2f} s "
          f"(verify alone {result.duration_s:.2f} s); findings: {rules}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
