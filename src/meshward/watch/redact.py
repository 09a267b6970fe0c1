"""Evidence lines with secrets redacted the way the secrets engine redacts them."""

from __future__ import annotations

import re

from meshward.secrets.model import redact
from meshward.secrets.scanner import Options, scan_text

EVIDENCE_MAX = 2000
_PAIRS = re.compile(
    r"(?i)((?:authorization|x-api-key|api[_-]?key|access[_-]?token|token|password|passwd|pwd|"
    r"secret|session|cookie)[\"']?\s*[:=]\s*[\"']?(?:bearer\s+|basic\s+)?)([^\s\"'&,;}]{4,})")
_OPTIONS = Options(generic=True)


def redact_line(line: str) -> str:
    """``line`` with every secret the secrets engine finds, and every ``token=``-like value,
    shown only as a short prefix and its length; cut to ``EVIDENCE_MAX`` characters."""
    text = line[:EVIDENCE_MAX]
    for m in scan_text("evidence.log", text, _OPTIONS).matches:
        if m.value and m.value in text:
            text = text.replace(m.value, redact(m.value))
    text = _PAIRS.sub(lambda m: m.group(1) + (m.group(2) if "…(" in m.group(2)
                                            else redact(m.group(2))), text)
    return text + ("…" if len(line) > EVIDENCE_MAX else "")
