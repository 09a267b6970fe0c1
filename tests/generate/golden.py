"""Golden files: compare, or rewrite them with MESHWARD_REGEN_GOLDEN=1.

Regenerate with ``MESHWARD_REGEN_GOLDEN=1 /work/venv/bin/pytest tests/generate -q`` and
review the diff (``git diff tests/generate/golden``).
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"
FLEET = Path(__file__).parent / "fleet"


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("MESHWARD_REGEN_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} missing: run MESHWARD_REGEN_GOLDEN=1 pytest tests/generate"
    assert text == path.read_text(encoding="utf-8")
