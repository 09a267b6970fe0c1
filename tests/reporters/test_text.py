"""The terminal format: exact lines, colour on and off, suppressed findings, scorecard."""

from __future__ import annotations

from meshward.reporters.text import TextReporter
from tests.reporters.sample import sample_report

FINDINGS_PART = """\
service orders (1)
  MEDIUM   MWT02 compose.yaml:7 DATABASE_URL uses postgres:// without TLS
      evidence: postgres://orders@db/orders
      fix: Use TLS:
           add sslmode=require.

k8s/web.yaml (1)
  HIGH     MWT01 k8s/web.yaml:12 Deployment/shop/web container "web" is privileged
      evidence: privileged: true
      fix: Set securityContext.privileged: false.

Input errors (1)
  k8s/bad.yaml:4: mapping values are not allowed here (check the indentation)

Notices (1)
  meshward.yaml:9: ignore of MWT02 expired on 2024-01-01 and no longer hides findings \
(reason was: migration)

Practices of the guide
  PRACTICE        STATUS       CRIT  HIGH   MED   LOW  INFO  SUPP  RULES
  ENV-PRIVATE     not checked     0     0     0     0     0     0  -
"""

TAIL = """\
  AUTH-LEASTPRIV  gaps            0     1     0     0     0     1  MWT01
"""

LAST_LINES = [
    "Guide: 0 met, 3 gaps, 0 waived, 26 not checked (of 29 practices)",
    "",
    "Totals: 2 findings (0 critical, 1 high, 1 medium, 0 low, 0 info); 1 suppressed; "
    "5 files read; 3 services; 1 input error",
]


def test_plain_text_exact() -> None:
    out = TextReporter().render(sample_report())
    assert out.startswith(FINDINGS_PART)
    assert TAIL in out
    assert out.endswith("\n")
    assert out.rstrip("\n").splitlines()[-3:] == LAST_LINES
    assert "\x1b[" not in out
    # one row per practice of the guide
    assert sum(1 for line in out.splitlines() if line.startswith(("  ENV-", "  AUTH-", "  TLS-",
               "  LOG-", "  SEC-", "  DOC-", "  SUP-"))) == 29
    # suppressed findings are hidden unless asked for
    assert "CronJob/ops/cron" not in out


def test_suppressed_listed_on_request() -> None:
    out = TextReporter().render(sample_report(show_suppressed=True))
    assert ("Suppressed findings (1)\n"
            '  HIGH     MWT01 k8s/jobs.yaml:3 CronJob/ops/cron container "cron" is privileged\n'
            "      fix: Set securityContext.privileged: false.\n"
            "      suppressed by: comment at k8s/jobs.yaml:2\n") in out


def test_colour_only_when_asked() -> None:
    out = TextReporter().render(sample_report(color=True))
    assert "  \x1b[1;31mHIGH\x1b[0m     MWT01 k8s/web.yaml:12" in out
    assert "  \x1b[33mMEDIUM\x1b[0m   MWT02 compose.yaml:7" in out
    assert "\x1b[1mInput errors (1)\x1b[0m" in out
    assert "  AUTH-LEASTPRIV  \x1b[31mgaps\x1b[0m            0     1" in out
    plain = TextReporter().render(sample_report(color=False))
    stripped = out
    for code in ("\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[1;31m", "\x1b[1;35m", "\x1b[31m",
                 "\x1b[32m", "\x1b[33m", "\x1b[36m"):
        stripped = stripped.replace(code, "")
    assert stripped == plain


def test_no_findings_and_met_status() -> None:
    out = TextReporter().render(sample_report(findings=[], errors=[], notices=[]))
    assert out.startswith("No findings.\n\nPractices of the guide\n")
    assert "  AUTH-LEASTPRIV  met             0     0     0     0     0     0  MWT01\n" in out
    assert "  SEC-HARDCODED   met             0     0     0     0     0     0  MWT02\n" in out
    assert "Input errors" not in out and "Notices" not in out
    assert out.endswith("Totals: 0 findings (0 critical, 0 high, 0 medium, 0 low, 0 info); "
                        "0 suppressed; 5 files read; 3 services; 0 input errors\n")


def test_waived_when_only_suppressed() -> None:
    report = sample_report()
    report.findings = report.suppressed
    out = TextReporter().render(report)
    assert "  AUTH-LEASTPRIV  waived          0     0     0     0     0     1  MWT01\n" in out
    assert "Guide: 2 met, 0 gaps, 1 waived, 26 not checked (of 29 practices)" in out


def test_whole_file_finding_and_error_without_line() -> None:
    from meshward.errors import InputError
    from tests.reporters.sample import PLAINTEXT, make_finding

    f = make_finding(PLAINTEXT, ".env", 0, "file holds a database URL")
    out = TextReporter().render(sample_report(findings=[f],
                                              errors=[InputError("x.yaml", 0, "empty file")]))
    assert out.startswith(".env (1)\n  MEDIUM   MWT02 .env file holds a database URL\n")
    assert "Input errors (1)\n  x.yaml: empty file\n" in out


def test_crashed_rule_does_not_meet_a_practice() -> None:
    from meshward.errors import InputError

    crash = InputError("<meshward>", 0, "rule MWT02 failed: KeyError: 'x'",
                       "this is a meshward bug; please report it")
    out = TextReporter().render(sample_report(findings=[], errors=[crash], notices=[]))
    assert "  TLS-PLAINTEXT   not checked     0     0     0     0     0     0  MWT02\n" in out
    assert "  AUTH-LEASTPRIV  met             0     0     0     0     0     0  MWT01\n" in out
    assert "Input errors (1)\n  <meshward>: rule MWT02 failed: KeyError: 'x' (this is a" in out
