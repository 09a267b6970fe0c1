"""Every check meshward has, whatever the command that runs it: the rules of ``scan``, the
live checks of ``probe`` and ``images`` and the detectors of ``watch``, each a :class:`Rule`
with its mode. ``meshward rules``, ``meshward explain`` and the docs index read this list."""

from __future__ import annotations

import re

from meshward.checks.docs import rule_markdown
from meshward.checks.registry import Rule, all_rules

_ID = re.compile(r"^([A-Z]+?)(\d+)$")


def _order(r: Rule) -> tuple[str, int, str]:
    """MW101 before MW999 before MWI01 ... MWW09: family, then number."""
    m = _ID.match(r.id)
    return (m.group(1), int(m.group(2)), r.id) if m else (r.id, 0, r.id)


def all_checks() -> list[Rule]:
    """The rules and the watch detectors (seen as rules, mode watch), by family and number."""
    from meshward.watch.detectors import all_infos

    return sorted([*all_rules(), *(d.as_rule() for d in all_infos())], key=_order)


def get_check(check_id: str) -> Rule | None:
    wanted = check_id.strip().upper()
    return next((r for r in all_checks() if r.id == wanted), None)


def check_markdown(r: Rule) -> str:
    """Its documentation page, as docs/ holds it."""
    from meshward.watch.docs import detector_markdown, get_detector

    detector = get_detector(r.id) if r.command == "watch" else None
    return detector_markdown(detector) if detector is not None else rule_markdown(r)
