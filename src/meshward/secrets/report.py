"""Turn engine matches into rule hits: messages and evidence that never hold the secret."""

from __future__ import annotations

from meshward.checks.registry import Hit
from meshward.findings.finding import Severity
from meshward.model.source import Location
from meshward.secrets.model import Kind, Match


def message(m: Match) -> str:
    where = f" in {m.resource}" if m.resource else ""
    if m.kind is Kind.GENERIC:
        how = {"deploy": "is set to a literal value handed to the workload",
               "code": "is assigned a hardcoded string literal",
               }.get(m.context, "holds a literal secret value")
        text = f"{m.key} {how}{where}"
    elif m.kind is Kind.K8S_SECRET:
        text = f"Kubernetes Secret {m.resource or ''} commits a real value in {m.key}".replace("  ", " ")
    elif m.kind is Kind.JWT:
        text = f"JSON Web Token committed{where}"
        if m.notes:
            text += ": " + "; ".join(m.notes)
    elif m.kind is Kind.PRIVATE_KEY:
        text = f"{m.title} committed{where}"
        if m.notes:
            text += f" ({'; '.join(m.notes)})"
    elif m.kind is Kind.CRED_FILE:
        if m.notes:  # a password hash
            text = f"{m.title} ({m.detector}): password hash" + (f" of {m.key}" if m.key else "")
            text += f"; {'; '.join(m.notes)}"
        else:
            text = f"{m.title} ({m.detector}) holds a credential" + (
                f" under {m.key}" if m.key else "")
    else:
        text = f"{m.title} ({m.detector}) hardcoded{where}"
        if m.key:
            text += f" under {m.key}"
    if m.commit:
        state = "still in HEAD" if m.in_head == "yes" else "removed from HEAD but kept in history"
        text += f"; introduced in commit {m.commit[:12]}"
        if m.commit_date:
            text += f" ({m.commit_date[:10]})"
        text += f", {state}"
    return text


def evidence(m: Match) -> str:
    return f"{m.key}={m.redacted}" if m.key else m.redacted


def hit_of(m: Match) -> Hit:
    extra: list[tuple[str, str]] = [("detector", m.detector), ("family", m.family)]
    if m.notes:
        extra.append(("jwt" if m.kind is Kind.JWT else "notes", "; ".join(m.notes)))
    if m.commit:
        extra += [("commit", m.commit), ("in_head", m.in_head)]
        if m.author:
            extra.append(("author", m.author))
        if m.commit_date:
            extra.append(("date", m.commit_date))
    return Hit(
        message=message(m),
        location=Location(m.path, m.line),
        resource=m.resource,
        service=m.service,
        evidence=evidence(m),
        key=f"{m.detector}:{m.key}:{m.digest}",
        severity=Severity.parse(m.severity) if m.severity else None,
        confidence=m.confidence,
        extra=tuple(extra),
    )


KIND_RULE = {k: k.value for k in Kind}
