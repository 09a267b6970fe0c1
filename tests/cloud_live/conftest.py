"""A real moto server on 127.0.0.1, reached by boto3 and by meshward through AWS_ENDPOINT_URL."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REGION = "eu-west-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Moto:
    url: str
    process: subprocess.Popen[bytes]

    def reset(self) -> None:
        req = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(req, timeout=10):
            pass


def _command(port: int) -> list[str]:
    exe = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which(
        "moto_server")
    if exe:
        return [exe, "-H", "127.0.0.1", "-p", str(port)]
    return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Moto]:
    try:
        import moto.server  # noqa: F401
    except ImportError:
        pytest.skip("moto[server] is not installed (pip install -e '.[test]')")
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(_command(port), stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"moto server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
    server = Moto(url, proc)
    yield server
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def use_moto(mp: pytest.MonkeyPatch, server: Moto, home: Path) -> None:
    """The environment of a user whose standard AWS configuration names the moto server."""
    for key in list(os.environ):
        if key.startswith("AWS_"):
            mp.delenv(key)
    mp.setenv("AWS_ENDPOINT_URL", server.url)
    mp.setenv("AWS_ACCESS_KEY_ID", "AKIAMESHWARDTEST0001")
    mp.setenv("AWS_SECRET_ACCESS_KEY", "meshward-test-secret")
    mp.setenv("AWS_REGION", REGION)
    mp.setenv("AWS_CONFIG_FILE", str(home / "no-config"))
    mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "no-credentials"))
    mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
    server.reset()


@pytest.fixture
def aws_env(moto_server: Moto, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Moto:
    """A fresh moto account, named by this test's AWS environment."""
    use_moto(monkeypatch, moto_server, tmp_path)
    return moto_server
