"""Time the SUP-VULN join: an OSV export, SBOMs, Trivy reports and a fleet using the images.

    python bench/vuln/bench.py [--advisories 20000] [--images 50] [--services 500]

Writes a synthetic OSV export (Debian, Alpine, PyPI, npm advisories in the OSV format,
half of them inside all.zip archives), one SPDX SBOM and one Trivy report per image, and
Kubernetes Deployments running the images; prints the seconds of each stage. Never gates CI.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from meshward.config import Config
from meshward.pipeline import load_inventory
from meshward.vuln.join import vulnerability_findings

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: svc{i}, namespace: fleet}}
spec:
  selector: {{matchLabels: {{app: svc{i}}}}}
  template:
    metadata: {{labels: {{app: svc{i}}}}}
    spec:
      containers:
      - {{name: app, image: "registry.example.com/team/img{img}:1.{img}"}}
"""


def _advisory(n: int, eco: str, name: str, fixed: str) -> dict[str, object]:
    return {"schema_version": "1.6.0", "id": f"BENCH-{n}", "modified": "2024-01-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": eco, "name": name},
                          "ranges": [{"type": "ECOSYSTEM",
                                      "events": [{"introduced": "0"}, {"fixed": fixed}]}]}],
            "severity": [{"type": "CVSS_V3",
                          "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}]}


def build(root: Path, advisories: int, images: int, services: int) -> tuple[Path, list[Path], Path]:
    rng = random.Random(7)
    osv = root / "osv"
    ecos = [("Debian:12", "deb{}", "1.{}-1+deb12u{}"), ("Alpine:v3.19", "apk{}", "1.{}.{}-r1"),
            ("PyPI", "py{}", "1.{}.{}"), ("npm", "js{}", "1.{}.{}")]
    for eco, name_fmt, ver_fmt in ecos:
        fam = eco.split(":")[0]
        (osv / fam).mkdir(parents=True)
        per = advisories // len(ecos)
        with zipfile.ZipFile(osv / fam / "all.zip", "w") as zf:
            for n in range(per):
                doc = _advisory(n, eco, name_fmt.format(n % 400), ver_fmt.format(n % 7, 5))
                if n % 2:
                    zf.writestr(f"BENCH-{fam}-{n}.json", json.dumps(doc))
                else:
                    (osv / fam / f"BENCH-{fam}-{n}.json").write_text(json.dumps(doc))
    tree = root / "tree"
    tree.mkdir()
    for i in range(services):
        (tree / f"svc{i}.yaml").write_text(DEPLOY.format(i=i, img=i % images))
    docs: list[Path] = []
    for img in range(images):
        ref = f"registry.example.com/team/img{img}:1.{img}"
        pkgs = [{"name": f"deb{k}", "SPDXID": f"SPDXRef-{k}", "versionInfo": f"1.{rng.randrange(7)}-1",
                 "downloadLocation": "NONE",
                 "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                                   "referenceLocator": f"pkg:deb/debian/deb{k}@1.{rng.randrange(7)}-1?distro=debian-12.5"}]}
                for k in range(300)]
        pkgs.append({"name": ref, "SPDXID": "SPDXRef-img", "primaryPackagePurpose": "CONTAINER",
                     "downloadLocation": "NONE"})
        spdx = {"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": ref, "packages": pkgs}
        path = root / f"img{img}.spdx.json"
        path.write_text(json.dumps(spdx))
        docs.append(path)
        vulns = [{"VulnerabilityID": f"CVE-2024-{k}", "PkgName": f"pkg{k}", "InstalledVersion": "1.0",
                  "FixedVersion": "1.1", "Severity": "HIGH"} for k in range(200)]
        trivy = {"SchemaVersion": 2, "ArtifactName": ref, "ArtifactType": "container_image",
                 "Metadata": {"RepoTags": [ref]},
                 "Results": [{"Target": ref, "Class": "os-pkgs", "Type": "debian",
                              "Vulnerabilities": vulns}]}
        path = root / f"img{img}.trivy.json"
        path.write_text(json.dumps(trivy, indent=2))
        docs.append(path)
    return tree, docs, osv


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--advisories", type=int, default=20000)
    ap.add_argument("--images", type=int, default=50)
    ap.add_argument("--services", type=int, default=500)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        tree, docs, osv = build(root, args.advisories, args.images, args.services)
        t1 = time.perf_counter()
        inv = load_inventory([tree], Config())
        t2 = time.perf_counter()
        result = vulnerability_findings(inv, reports=docs, osv_dir=osv)
        t3 = time.perf_counter()
    print(f"generated {args.advisories} advisories, {args.images} images (300 packages and "
          f"200 reported vulnerabilities each), {args.services} services in {t1 - t0:.1f} s")
    print(f"inventory: {t2 - t1:.2f} s; join: {t3 - t2:.2f} s -> {len(result.findings)} findings, "
          f"{len(result.errors)} errors")


if __name__ == "__main__":
    main()
