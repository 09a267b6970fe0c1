"""The OCI distribution API: tag -> digest, manifests, blobs and referrers.

Manifests are asked for with every manifest type registries serve (OCI index and manifest,
Docker schema 2 manifest and list) so the digest is that of what ``docker pull`` gets. The
digest comes from ``Docker-Content-Digest``; when the registry leaves it out, from the
bytes. Registries are reached over HTTPS; plain HTTP is tried only for loopback hosts and
registries the config lists under ``insecure_registries`` (Docker's own rule), and every
registry reached that way is remembered so the runner can report it.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field
from ipaddress import ip_address
from urllib.parse import urlsplit

from meshward.images.cache import Once
from meshward.images.http import FetchFailed, HttpClient, Response

MANIFEST_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
ACCEPT = ", ".join(MANIFEST_TYPES)
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_API_HOSTS = {"docker.io": "registry-1.docker.io"}


class RegistryError(Exception):
    """The registry answered, but not with what was asked (HTTP status and its error code)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Manifest:
    digest: str
    media_type: str
    body: bytes  # empty when only HEAD was asked

    def json(self) -> dict[str, object]:
        import json

        try:
            data = json.loads(self.body)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}


def is_loopback(host: str) -> bool:
    """``host[:port]`` (IPv6 in brackets) names this machine."""
    try:
        name = urlsplit(f"//{host}").hostname or ""
    except ValueError:
        return False
    if name == "localhost":
        return True
    try:
        return ip_address(name).is_loopback
    except ValueError:
        return False


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass
class RegistryClient:
    http: HttpClient
    insecure: frozenset[str] = frozenset()
    plain_http: set[str] = field(default_factory=set)  # registries reached over http://
    _schemes: Once[str] = field(default_factory=Once)
    _manifests: Once[Manifest | None] = field(default_factory=Once)
    _referrers: Once[tuple[list[dict[str, object]], str]] = field(default_factory=Once)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def base(self, registry: str) -> str:
        """``scheme://host`` of the registry's API, probing ``/v2/`` once per registry."""
        scheme = self._schemes.get(registry, lambda: self._probe(registry))
        return f"{scheme}://{_API_HOSTS.get(registry, registry)}"

    def _probe(self, registry: str) -> str:
        host = _API_HOSTS.get(registry, registry)
        try:
            self.http.bare(f"https://{host}/v2/")
            return "https"
        except FetchFailed as exc:
            if not (is_loopback(host) or registry in self.insecure):
                raise
            https_error = exc
        try:
            answer = self.http.bare(f"http://{host}/v2/")
        except FetchFailed:
            raise https_error from None
        if answer.status not in (200, 401):  # e.g. 400 from a TLS-only server: not over HTTP
            raise https_error
        with self._lock:
            self.plain_http.add(registry)
        return "http"

    def _get(self, registry: str, repository: str, path: str, method: str = "GET",
             accept: str = "") -> Response:
        url = f"{self.base(registry)}/v2/{repository}/{path}"
        headers = {"Accept": accept} if accept else {}
        return self.http.get(url, headers, registry=registry,
                             scope=f"repository:{repository}:pull", method=method)

    def manifest(self, registry: str, repository: str, reference: str,
                 body: bool = False) -> Manifest | None:
        """The manifest a tag or digest names; ``None`` when the registry has none (404)."""
        key = (registry, repository, reference, body)
        return self._manifests.get(key, lambda: self._manifest(registry, repository,
                                                                reference, body))

    def _manifest(self, registry: str, repository: str, reference: str,
                  body: bool) -> Manifest | None:
        resp = self._get(registry, repository, f"manifests/{reference}",
                         "GET" if body else "HEAD", ACCEPT)
        if resp.status == 404:
            return None
        if not resp.ok:
            raise RegistryError(resp.status, _error_text(resp, f"manifest {reference}"))
        digest = resp.header("docker-content-digest").strip()
        if body and resp.body:
            actual = sha256_digest(resp.body)
            if digest and digest != actual:
                raise RegistryError(resp.status, f"manifest {reference}: the registry says "
                                    f"{digest} but the bytes hash to {actual}")
            digest = actual
        if not DIGEST.match(digest):
            if not body:
                return self._manifest(registry, repository, reference, True)
            raise RegistryError(resp.status, f"manifest {reference}: no sha256 digest")
        if reference.startswith("sha256:") and digest != reference:
            raise RegistryError(resp.status, f"asked for {reference}, got {digest}")
        media = resp.header("content-type").split(";")[0].strip()
        return Manifest(digest, media, resp.body)

    def blob(self, registry: str, repository: str, digest: str, max_bytes: int = 1 << 20
             ) -> bytes:
        resp = self._get(registry, repository, f"blobs/{digest}")
        if not resp.ok:
            raise RegistryError(resp.status, _error_text(resp, f"blob {digest}"))
        if len(resp.body) > max_bytes:
            raise RegistryError(resp.status, f"blob {digest} larger than {max_bytes} bytes")
        if sha256_digest(resp.body) != digest:
            raise RegistryError(resp.status, f"blob {digest}: the bytes hash to something else")
        return resp.body

    def referrers(self, registry: str, repository: str, digest: str
                  ) -> tuple[list[dict[str, object]], str]:
        """Descriptors of the artifacts that refer to ``digest``, and where they came from:
        ``"api"`` (OCI 1.1 referrers API), ``"tag"`` (the fallback index at tag
        ``sha256-<hex>``, as clients push to registries without the API) or ``""``."""
        return self._referrers.get((registry, repository, digest),
                                   lambda: self._find_referrers(registry, repository, digest))

    def _find_referrers(self, registry: str, repository: str, digest: str
                        ) -> tuple[list[dict[str, object]], str]:
        resp = self._get(registry, repository, f"referrers/{digest}",
                         accept="application/vnd.oci.image.index.v1+json")
        if resp.ok:
            found = _index_entries(resp.json())
            if found is not None:
                return found, "api"
        elif resp.status not in (400, 404, 405):
            raise RegistryError(resp.status, _error_text(resp, f"referrers of {digest}"))
        index = self.manifest(registry, repository, digest.replace(":", "-"), body=True)
        found = _index_entries(index.json()) if index is not None else None
        return (found, "tag") if found is not None else ([], "")


def _index_entries(data: object) -> list[dict[str, object]] | None:
    manifests = data.get("manifests") if isinstance(data, dict) else None
    if not isinstance(manifests, list):
        return None
    return [m for m in manifests if isinstance(m, dict)]


def _error_text(resp: Response, what: str) -> str:
    data = resp.json()
    codes: list[str] = []
    if isinstance(data, dict) and isinstance(data.get("errors"), list):
        codes = [str(e.get("code")) for e in data["errors"] if isinstance(e, dict)]
    detail = f" ({', '.join(codes)})" if codes else ""
    if resp.status in (401, 403):
        return f"{what}: HTTP {resp.status}{detail}: not authorised; log in (docker login) " \
               "or add credentials to the Docker config"
    return f"{what}: HTTP {resp.status}{detail}"
