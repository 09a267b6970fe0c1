"""Secrets written in the example fleet never appear whole in any output of any command."""

from __future__ import annotations

import pytest

from meshward.cli.main import main
from meshward.model.edges import redact_url_passwords
from tests.conftest import REPO

SHOP = str(REPO / "examples" / "shop")
SECRETS = ("S3cr3t-Orders-2024", "worker-queue-pass-91")


@pytest.mark.parametrize("argv", [
    *[["scan", SHOP, "-f", fmt] for fmt in ("text", "json", "sarif", "junit", "markdown")],
    *[["graph", SHOP, "-f", fmt] for fmt in ("text", "json", "dot", "mermaid")],
    ["secrets", SHOP, "-f", "json"],
    ["catalog", SHOP, "--format", "markdown"],
    ["catalog", SHOP],
    ["policy", SHOP, "--kind", "all"],
    ["access", SHOP, "-f", "json"],
], ids=lambda a: "-".join(a[:1] + a[2:]))
def test_no_command_prints_a_secret(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    main(argv)
    out = capsys.readouterr()
    assert out.out, "the command printed nothing"
    for secret in SECRETS:
        assert secret not in out.out and secret not in out.err


def test_url_password_redaction() -> None:
    assert redact_url_passwords("postgres://app:s3cret@db:5432/x?a=b") == "postgres://app:***@db:5432/x?a=b"
    assert redact_url_passwords("amqp://guest:guest@rabbitmq:5672,redis://:pw@cache") == (
        "amqp://guest:***@rabbitmq:5672,redis://:***@cache")
    assert redact_url_passwords("http://user@host/path") == "http://user@host/path"


def test_the_html_report_holds_no_secret(tmp_path: object) -> None:
    from pathlib import Path

    out = Path(str(tmp_path)) / "report.html"
    assert main(["report", SHOP, "-o", str(out)]) == 0
    text = out.read_text()
    assert "S3cr" in text  # masked evidence is there (four characters and the length)...
    for secret in SECRETS:
        assert secret not in text  # ...the secret is not
