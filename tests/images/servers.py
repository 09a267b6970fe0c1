"""Real servers for the images tests: Debian's docker-registry and Notary, on 127.0.0.1.

Images are built here (a config blob, one layer blob and a manifest) and pushed through
the OCI distribution API with real HTTP; cosign signatures are made with ``cryptography``
in the exact layout cosign writes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
COSIGN_SIG = "application/vnd.dev.cosign.artifact.sig.v1+json"
SIGSTORE_BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 15,
              context: ssl.SSLContext | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=1, context=context).close()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass
class Registry:
    """A running docker-registry and a tiny push client for it."""

    port: int
    proc: subprocess.Popen[bytes]
    host: str = ""
    pushed: int = 0
    sizes: dict[str, int] = field(default_factory=dict)  # manifest digest -> length
    auth: str = ""  # Authorization header for pushes (token registries)
    scheme: str = "http"
    context: ssl.SSLContext | None = None

    def __post_init__(self) -> None:
        self.host = f"127.0.0.1:{self.port}"

    def _req(self, method: str, path: str, data: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
        url = path if path.startswith("http") else f"{self.scheme}://{self.host}{path}"
        hdrs = dict(headers or {})
        if self.auth:
            hdrs["Authorization"] = self.auth
        req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
        with urllib.request.urlopen(req, timeout=10, context=self.context) as resp:
            resp.read()
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}

    def push_blob(self, repo: str, data: bytes) -> str:
        digest = sha(data)
        _, headers = self._req("POST", f"/v2/{repo}/blobs/uploads/")
        location = headers["location"]
        sep = "&" if "?" in location else "?"
        status, _ = self._req("PUT", f"{location}{sep}digest={digest}", data,
                              {"Content-Type": "application/octet-stream"})
        assert status == 201, status
        return digest

    def push_manifest(self, repo: str, reference: str, manifest: dict[str, object]) -> str:
        body = json.dumps(manifest, separators=(",", ":")).encode()
        status, headers = self._req("PUT", f"/v2/{repo}/manifests/{reference}", body,
                                    {"Content-Type": str(manifest["mediaType"])})
        assert status == 201, status
        self.pushed += 1
        assert headers["docker-content-digest"] == sha(body)
        self.sizes[sha(body)] = len(body)
        return sha(body)

    def retag(self, repo: str, tag: str, digest: str) -> None:
        """Point ``tag`` at the manifest ``digest`` (same bytes, same digest)."""
        req = urllib.request.Request(f"{self.scheme}://{self.host}/v2/{repo}/manifests/{digest}",
                                     headers={"Accept": OCI_MANIFEST,
                                              **({"Authorization": self.auth} if self.auth
                                                 else {})})
        with urllib.request.urlopen(req, timeout=10, context=self.context) as resp:
            self.push_manifest(repo, tag, json.loads(resp.read()))

    def push_image(self, repo: str, tag: str, content: str) -> str:
        """A tiny image whose layer holds ``content``; returns the manifest digest."""
        config = json.dumps({"architecture": "amd64", "os": "linux",
                             "rootfs": {"type": "layers", "diff_ids": []},
                             "config": {"Labels": {"content": content}}}).encode()
        layer = content.encode()
        manifest = {
            "schemaVersion": 2, "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "size": len(config),
                       "digest": self.push_blob(repo, config)},
            "layers": [{"mediaType": OCI_LAYER, "size": len(layer),
                        "digest": self.push_blob(repo, layer)}],
        }
        return self.push_manifest(repo, tag, manifest)

    def refer(self, repo: str, subject: str, descriptors: list[dict[str, object]]) -> str:
        """The OCI 1.1 referrers fallback: an index at tag ``sha256-<hex>`` of ``subject``."""
        index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": descriptors}
        return self.push_manifest(repo, subject.replace(":", "-"), index)

    def sign(self, repo: str, digest: str, key: ec.EllipticCurvePrivateKey,
             names_digest: str = "", as_referrer: bool = False) -> str:
        """A cosign signature manifest at ``sha256-<hex>.sig``, as cosign writes it (or, with
        ``as_referrer``, pushed by digest with ``subject`` and listed in the referrers
        fallback index, as OCI 1.1 clients do)."""
        payload = json.dumps({
            "critical": {"identity": {"docker-reference": f"{self.host}/{repo}"},
                         "image": {"docker-manifest-digest": names_digest or digest},
                         "type": "cosign container image signature"},
            "optional": None}, separators=(",", ":")).encode()
        signature = key.sign(payload, ec.ECDSA(hashes.SHA256()))
        config = json.dumps({"architecture": "", "config": {}, "created": "0001-01-01T00:00:00Z",
                             "history": [{"created": "0001-01-01T00:00:00Z"}], "os": "",
                             "rootfs": {"type": "layers",
                                        "diff_ids": [sha(payload)]}}).encode()
        manifest = {
            "schemaVersion": 2, "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "size": len(config),
                       "digest": self.push_blob(repo, config)},
            "layers": [{"mediaType": SIMPLE_SIGNING, "size": len(payload),
                        "digest": self.push_blob(repo, payload),
                        "annotations": {"dev.cosignproject.cosign/signature":
                                        base64.b64encode(signature).decode()}}],
        }
        if not as_referrer:
            return self.push_manifest(repo, digest.replace(":", "-") + ".sig", manifest)
        manifest["artifactType"] = COSIGN_SIG
        manifest["subject"] = {"mediaType": OCI_MANIFEST, "digest": digest,
                               "size": self.sizes[digest]}
        body = json.dumps(manifest, separators=(",", ":")).encode()
        pushed = self.push_manifest(repo, sha(body), manifest)
        self.refer(repo, digest, [{"mediaType": OCI_MANIFEST, "digest": pushed,
                                   "size": len(body), "artifactType": COSIGN_SIG}])
        return pushed

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


REGISTRY_BIN = shutil.which("docker-registry")


def start_registry(folder: Path, auth: dict[str, object] | None = None,
                   tls: tuple[Path, Path, Path] | None = None) -> Registry:
    """docker-registry on a free loopback port, storing in ``folder``; with ``tls``
    (certificate, key, CA) it serves HTTPS only."""
    assert REGISTRY_BIN is not None
    port = free_port()
    config: dict[str, object] = {
        "version": 0.1,
        "log": {"level": "error", "accesslog": {"disabled": True}},
        "storage": {"filesystem": {"rootdirectory": str(folder / "data")},
                    "delete": {"enabled": True}},
        "http": {"addr": f"127.0.0.1:{port}", "secret": "meshward-test",
                 "debug": {"addr": ""}},
    }
    if auth:
        config["auth"] = auth
    if tls:
        config["http"]["tls"] = {"certificate": str(tls[0]), "key": str(tls[1])}  # type: ignore[index]
    path = folder / "config.yml"
    path.write_text(json.dumps(config), encoding="utf-8")  # YAML is a superset of JSON
    log = folder / "registry.log"
    proc = subprocess.Popen([REGISTRY_BIN, "serve", str(path)], stdout=log.open("wb"),
                            stderr=subprocess.STDOUT)
    if tls:
        ctx = ssl.create_default_context(cafile=str(tls[2]))
        wait_http(f"https://127.0.0.1:{port}/v2/", proc, log, context=ctx)
    else:
        wait_http(f"http://127.0.0.1:{port}/v2/", proc, log)
    return Registry(port, proc, scheme="https" if tls else "http",
                    context=ssl.create_default_context(cafile=str(tls[2])) if tls else None)


@dataclass
class Keys:
    trusted: ec.EllipticCurvePrivateKey
    other: ec.EllipticCurvePrivateKey
    trusted_pub: Path = field(default=Path())
    other_pub: Path = field(default=Path())


def make_keys(folder: Path) -> Keys:
    keys = Keys(ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1()))
    for name, key in (("trusted", keys.trusted), ("other", keys.other)):
        path = folder / f"{name}.pub"
        path.write_bytes(key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
        setattr(keys, f"{name}_pub", path)
    return keys
