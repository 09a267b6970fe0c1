"""Readers for vulnerability reports and SBOMs; each file is recognised by its content."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from meshward.errors import InputError
from meshward.model.source import YMap
from meshward.vuln.formats import cyclonedx, grype, spdx, trivy
from meshward.vuln.model import Document

ReadFn = Callable[[str, YMap, list[InputError]], Document]

FORMATS: tuple[tuple[str, Callable[[Any], bool], ReadFn], ...] = (
    ("trivy", trivy.looks_like, trivy.read),
    ("grype", grype.looks_like, grype.read),
    ("cyclonedx", cyclonedx.looks_like, cyclonedx.read),
    ("spdx", spdx.looks_like, spdx.read),
)


def detect(value: Any) -> tuple[str, ReadFn] | None:
    """The format of a parsed JSON document, or ``None`` when it is none of them."""
    for name, looks, read in FORMATS:
        if looks(value):
            return name, read
    return None
