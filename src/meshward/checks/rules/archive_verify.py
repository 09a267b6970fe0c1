"""MWW30: what `meshward archive verify` finds in the archive `meshward watch --archive` writes.

A rule so that `meshward rules --practice LOG-TAMPER`, `explain` and the docs list it; a
static scan has no archive to read, so its ``check`` yields nothing. The archive's verifier
(:func:`meshward.watch.archive.verify`) produces its findings.
"""

from __future__ import annotations

from meshward.checks.registry import Rule, not_at_rest
from meshward.findings.finding import Mode, Severity

ARCHIVE_TAMPERED = Rule(
    id="MWW30", title="Watch archive altered, deleted, reordered or truncated",
    severity=Severity.CRITICAL, practices=("LOG-TAMPER",), check=not_at_rest,
    rationale=(
        "Every line `meshward watch --archive DIR` reads is kept in segments chained by SHA-256 "
        "and sealed with Ed25519. A line that no longer matches its seal, a segment that is "
        "missing or out of order, or a seal that does not verify means someone changed the "
        "logs after they were written: the evidence of an incident cannot be trusted from that "
        "point on, and covering tracks is what an intruder does."),
    remediation=(
        "Treat it as an incident: keep the archive as it is, compare it with the copy shipped "
        "to write-once storage (S3 Object Lock), and find who could write the archive folder. "
        "Verify with `--key` pointing at a public key kept outside the archive, so that a "
        "replaced archive.pub cannot hide the change."),
    references=("https://github.com/meshward/meshward/blob/main/docs/watch.md",
                "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html"),
    targets=("files",), cwe="CWE-353", mode=Mode.VERIFY, command="archive verify",
    example_fail="meshward archive verify /var/lib/meshward/archive --key archive.pub\n"
                 "TAMPERED: segment 2 (seg-000002.log) line 2: altered",
    example_pass="meshward archive verify /var/lib/meshward/archive --key archive.pub\n"
                 "ok: 3 segment(s), 10 line(s) verified in /var/lib/meshward/archive",
)
