"""Text output for people at a terminal: each object named once, wrapping, --quiet, progress."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from meshward import progress
from meshward.cli.main import main
from meshward.findings.finding import ResourceRef
from meshward.loaders.walk import load_tree
from meshward.pipeline import scan
from meshward.reporters.text import TextReporter, names_resource
from tests.conftest import REPO
from tests.reporters.sample import sample_report

SHOP = REPO / "examples" / "shop"


@pytest.mark.parametrize(("message", "resource", "named"), [
    ("container worker of Deployment shop/worker runs privileged",
     ResourceRef("Deployment", "worker", "shop"), True),
    ("compose service web publishes port 8080->8080 on all host interfaces",
     ResourceRef("ComposeService", "web"), True),
    ("services/web/Dockerfile FROM (build stage build): image node:22-alpine is pinned only by a "
     "floating tag", ResourceRef("Dockerfile", "services/web/Dockerfile#build"), True),
    ("orders calls postgres over plaintext PostgreSQL", ResourceRef("ServiceEdge",
                                                                     "orders -> postgres"), True),
    ("namespace shop has 7 workloads and no default-deny NetworkPolicy",
     ResourceRef("Namespace", "shop"), True),
    # The message names the service but not the kind or namespace: the object is printed.
    ("orders is configured to call postgres", ResourceRef("Deployment", "orders", "sock-shop"),
     False),
    ("service postgres has no owner", ResourceRef("StatefulSet", "postgres", "shop"), False),
    ('container "web" is privileged', ResourceRef("Deployment", "web", "shop"), False),
])
def test_names_resource(message: str, resource: ResourceRef, named: bool) -> None:
    assert names_resource(message, resource) is named


def test_the_example_names_each_object_once(capsys: pytest.CaptureFixture[str]) -> None:
    main(["scan", str(SHOP), "--select", "MW101"])
    lines = [line for line in capsys.readouterr().out.splitlines() if " MW101 " in line]
    assert lines == [
        "  CRITICAL MW101 compose/docker-compose.yml:35 compose service worker runs privileged",
        "  CRITICAL MW101 k8s/worker.yaml:24 container worker of Deployment shop/worker runs "
        "privileged",
    ]


def test_long_lines_wrap_to_the_width() -> None:
    report = sample_report()
    f = report.findings[0]
    report.findings[0] = replace(f, message=f.message + " " + "and more words " * 8,
                                 remediation="Set securityContext.privileged: false. " * 4)
    wide = TextReporter().render(report)
    report.width = 60
    out = TextReporter().render(report)
    head = next(i for i, line in enumerate(out.splitlines()) if "MWT01 k8s/web.yaml:12" in line)
    block = out.splitlines()[head:head + 8]
    assert all(len(line) <= 60 for line in block)
    assert re.match(r"^      \S", block[1])  # the message goes on under the indent
    fix = next(line for line in block if line.startswith("      fix: "))
    assert re.match(r"^ {11}\S", block[block.index(fix) + 1])  # aligned under the fix text
    # Same words, only the line breaks differ.
    assert out.split() == wide.split()


def test_quiet_prints_only_the_summary() -> None:
    out = TextReporter().render(sample_report(quiet=True))
    assert out.splitlines() == [
        "Input errors (1)",
        "  k8s/bad.yaml:4: mapping values are not allowed here (check the indentation)",
        "Guide: 0 met, 3 gaps, 0 waived, 26 not checked (of 29 practices)",
        "Totals: 2 findings (0 critical, 1 high, 1 medium, 0 low, 0 info); 1 suppressed; "
        "5 files read; 3 services; 1 input error",
    ]


def test_quiet_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(SHOP), "--quiet"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    active = [f for f in scan([SHOP]).findings if not f.suppressed_by]
    assert out[0].startswith("Guide: ") and out[1].startswith(f"Totals: {len(active)} findings")


def _read_all(fd: int) -> str:
    chunks = []
    while select.select([fd], [], [], 0.2)[0]:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks).decode("utf-8", "replace")


def _drawn(work: object) -> str:
    """What ``work()`` draws on a pseudo-terminal while progress is on (escapes removed)."""
    master, slave = pty.openpty()
    try:
        with open(slave, "w", closefd=False) as tty, progress.on_terminal(tty) as shown:
            assert shown is True
            work()  # type: ignore[operator]
        return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", _read_all(master))
    finally:
        os.close(master)
        os.close(slave)


def test_progress_of_a_secrets_history_scan(tmp_path: Path) -> None:
    import subprocess

    from meshward.secrets.gitscan import scan_history

    if not shutil.which("git"):
        pytest.skip("git is not installed")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    for i in range(3):
        (tmp_path / f"app{i}.env").write_text(f"DB_PASSWORD=Zq8#kP{i}xW2mVt9\n")
        subprocess.run([*git, "add", "."], check=True)
        subprocess.run([*git, "commit", "-qm", f"c{i}"], check=True)
    drawn = _drawn(lambda: scan_history(tmp_path))
    assert "scanning history" in drawn and "3/3" in drawn


def test_progress_on_a_terminal_only(tmp_path: Path) -> None:
    for i in range(progress.FILES_MIN + 20):
        shutil.copy(SHOP / "k8s" / "web.yaml", tmp_path / f"web-{i:03d}.yaml")
    total = progress.FILES_MIN + 20
    master, slave = pty.openpty()
    try:
        with open(slave, "w", closefd=False) as tty, progress.on_terminal(tty) as shown:
            assert shown is True
            load_tree(tmp_path)
        drawn = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", _read_all(master))
    finally:
        os.close(master)
        os.close(slave)
    assert "reading files" in drawn and f"{total}/{total}" in drawn
    # Not a terminal, or a small tree: no indicator at all.
    with open(os.devnull, "w") as null, progress.on_terminal(null) as shown:
        assert shown is False
        assert progress.task("reading files", 10_000) is progress.task("x", 1)
    assert progress.task("reading files", 10_000).__name__ == "_nothing"  # type: ignore[attr-defined]


def test_wrapping_with_colour_counts_only_visible_characters() -> None:
    report = sample_report(color=True, width=50)
    f = report.findings[0]
    report.findings[0] = replace(f, message=f.message + " " + "and more words " * 8)
    out = TextReporter().render(report)
    visible = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in out.splitlines()]
    head = next(i for i, line in enumerate(visible) if "MWT01 k8s/web.yaml:12" in line)
    assert all(len(line) <= 50 for line in visible[head:head + 6])
    assert out.splitlines()[head].startswith("  \x1b[1;31mHIGH\x1b[0m     MWT01")
