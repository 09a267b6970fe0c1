"""Markdown for PR comments: exact output, escaping, and the size cap."""

from __future__ import annotations

from meshward.findings.finding import ResourceRef
from meshward.reporters.markdown import MAX_BYTES, MarkdownReporter, cell
from tests.reporters.sample import PLAINTEXT, make_finding, privileged, sample_report

GOLDEN_HEAD = """\
## meshward scan: 2 findings (1 high, 1 medium); 1 suppressed; 1 input error; 5 files, 3 services

### Input errors

- `k8s/bad.yaml:4`: mapping values are not allowed here (check the indentation)

### Notices

- meshward.yaml:9: ignore of MWT02 expired on 2024-01-01 and no longer hides findings \
(reason was: migration)

| Severity | Rule | Location | Message |
|---|---|---|---|
| **high** | MWT01 | `k8s/web.yaml:12`<br>Deployment/shop/web | container "web" is privileged |
| **medium** | MWT02 | `compose.yaml:7` | DATABASE_URL uses postgres:// without TLS |

<details><summary>MWT01 Privileged container: how to fix (1 finding)</summary>

Set securityContext.privileged: false.

</details>
<details><summary>MWT02 Plaintext database URL: how to fix (1 finding)</summary>

Use TLS:
add sslmode=require.

</details>

### Practices of the guide

Guide: 0 met, 3 gaps, 0 waived, 26 not checked (of 29 practices)

| Practice | Status | Findings | Suppressed | Rules |
|---|---|---|---|---|
| AUTH-LEASTPRIV | gaps | 1 high | 1 | MWT01 |
| TLS-PLAINTEXT | gaps | 1 medium | 0 | MWT02 |
| SEC-HARDCODED | gaps | 1 medium | 0 | MWT02 |

Not checked by this run: ENV-PRIVATE, ENV-PORTS,"""


def test_golden() -> None:
    out = MarkdownReporter().render(sample_report())
    assert out.startswith(GOLDEN_HEAD)
    assert out.endswith("SUP-PATCH, SUP-PIPELINE.\n")
    assert "suppressed finding</summary>" not in out


def test_suppressed_on_request() -> None:
    out = MarkdownReporter().render(sample_report(show_suppressed=True))
    assert ("<details><summary>1 suppressed finding</summary>\n\n"
            "| Severity | Rule | Location | Suppressed by |\n|---|---|---|---|\n"
            "| high | MWT01 | `k8s/jobs.yaml:3` | comment at k8s/jobs.yaml:2 |\n\n</details>\n"
            ) in out


def test_cell_escaping() -> None:
    assert cell("a|b <script>\nnext & more") == "a\\|b &lt;script&gt;<br>next &amp; more"
    f = make_finding(PLAINTEXT, "a|b.yaml", 2, "x | y\nz", remediation="</details> <b>")
    out = MarkdownReporter().render(sample_report(findings=[f], errors=[], notices=[]))
    assert "| **medium** | MWT02 | `a\\|b.yaml:2` | x \\| y<br>z |" in out
    assert "&lt;/details&gt; &lt;b&gt;" in out and "</details> <b>" not in out


def test_size_cap_truncates_with_note() -> None:
    findings = [make_finding(privileged, f"k8s/app-{i:05d}.yaml", i + 1,
                             f"container number {i} is privileged " + "x" * 80,
                             resource=ResourceRef("Deployment", f"app-{i}", "shop"), key=str(i))
                for i in range(2_000)]
    out = MarkdownReporter().render(sample_report(findings=findings))
    assert len(out.encode()) <= MAX_BYTES
    shown = out.count("| **high** | MWT01 |")
    assert 100 < shown < 2_000
    assert (f"> **Truncated:** {2_000 - shown} more findings not shown to keep this comment "
            "short; run with `--format json` for the full report.") in out
    # what comes after the table is still whole: remediation and the scorecard
    assert out.count("<details>") == out.count("</details>")
    assert "### Practices of the guide" in out and out.endswith(".\n")
    # input errors come first and survive
    assert "- `k8s/bad.yaml:4`: mapping values" in out


def test_small_cap_keeps_sections_balanced() -> None:
    out = MarkdownReporter(max_bytes=2_500).render(sample_report(show_suppressed=True))
    assert len(out.encode()) <= 2_500
    assert out.count("<details>") == out.count("</details>")


def test_truncation_counts_are_exact() -> None:
    findings = [make_finding(privileged, f"k8s/app-{i:05d}.yaml", i + 1, "p" * 100,
                             resource=ResourceRef("Deployment", f"app-{i}", "shop"), key=str(i),
                             suppressed_by="baseline" if i % 2 else "")
                for i in range(3_000)]
    out = MarkdownReporter().render(sample_report(findings=findings, show_suppressed=True))
    assert len(out.encode()) <= MAX_BYTES
    shown = out.count("| **high** | MWT01 |")
    assert f"> **Truncated:** {1_500 - shown} more findings not shown" in out
    shown_suppressed = out.count("| high | MWT01 |")
    assert f"> **Truncated:** {1_500 - shown_suppressed} more suppressed findings" in out
    assert "MWT01 Privileged container: how to fix (1500 findings)" in out
