"""One module per detection, each with a module-level :class:`Detector` subclass instance
factory named ``DETECTOR`` (ids MWW01-MWW29). :func:`all_detectors` finds them."""

from __future__ import annotations

import importlib
import pkgutil

from meshward.watch.detectors.interface import Detector, DetectorInfo


def all_infos() -> list[DetectorInfo]:
    """The metadata of every detector, by id."""
    found: dict[str, DetectorInfo] = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("mww"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        meta = module.INFO
        if meta.id in found:
            raise ValueError(f"duplicate detector id {meta.id} in {info.name}")
        found[meta.id] = meta
    return [found[k] for k in sorted(found)]


def all_detectors() -> list[Detector]:
    """A fresh instance of every detector (detectors hold per-run state)."""
    out: list[Detector] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("mww"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            out.append(module.Detect(module.INFO))
    return sorted(out, key=lambda d: d.info.id)
