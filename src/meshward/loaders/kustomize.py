"""Kustomize directories and Helm charts: which files they own and what namespace applies.

Plain mode (always): a kustomization's ``namespace:`` applies to the resource files it
lists (recursively through bases and components); patch files are not objects on their
own; a chart's ``templates/`` are not plain YAML and are only read when rendered.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meshward.errors import InputError
from meshward.loaders.interface import LoadResult
from meshward.loaders.yamlsrc import ParseError, iter_yaml_documents
from meshward.model.source import as_map, as_seq

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
PATCH_KEYS = ("patchesStrategicMerge", "patchesJson6902", "patches")


@dataclass
class Plan:
    namespaces: dict[str, str] = field(default_factory=dict)  # absolute file path -> namespace
    patch_files: set[Path] = field(default_factory=set)
    kustomizations: set[Path] = field(default_factory=set)
    template_files: set[Path] = field(default_factory=set)
    charts: list[Path] = field(default_factory=list)


def _read_yaml(path: Path, shown: str, out: LoadResult) -> Any:
    try:
        docs = list(iter_yaml_documents(path.read_text(encoding="utf-8", errors="replace")))
    except ParseError as exc:
        out.errors.append(InputError(shown, exc.line, f"invalid kustomization: {exc.message}"))
        return None
    except OSError as exc:
        out.errors.append(InputError(shown, 0, f"cannot read: {exc.strerror}"))
        return None
    return docs[0].value if docs else None


def plan(base: Path, files: list[Path], out: LoadResult) -> Plan:
    result = Plan()
    file_set = set(files)

    def shown(p: Path) -> str:
        try:
            return p.relative_to(base).as_posix()
        except ValueError:
            return p.as_posix()

    kdata: dict[Path, Any] = {}
    for f in files:
        if f.name in KUSTOMIZATION_NAMES:
            result.kustomizations.add(f)
            kdata[f.parent.resolve()] = as_map(_read_yaml(f, shown(f), out))
        elif f.name == "Chart.yaml":
            result.charts.append(f.parent)

    for chart in result.charts:
        templates = chart / "templates"
        result.template_files.update(p for p in file_set if templates in p.parents)
    if result.charts:
        if shutil.which("helm") is None:
            names = ", ".join(shown(c) or "." for c in result.charts)
            out.notices.append(f"helm is not installed: chart(s) {names} were not rendered and their "
                               "templates were not read (install helm, or scan `helm template` output)")

    def resource_files(folder: Path, seen: set[Path]) -> list[Path]:
        """Files a kustomization folder lists, through nested bases and components."""
        if folder in seen:
            return []
        seen.add(folder)
        data = kdata.get(folder)
        if data is None:
            return []
        found: list[Path] = []
        for key in ("resources", "bases", "components"):
            for item in as_seq(data.get(key)):
                if not isinstance(item, str) or "://" in item or item.startswith("github.com"):
                    continue
                target = (folder / item).resolve()
                if target.is_dir():
                    found.extend(resource_files(target, seen))
                elif target in file_set or target.is_file():
                    found.append(target)
        return found

    for folder, data in kdata.items():
        for key in PATCH_KEYS:
            for item in as_seq(data.get(key)):
                p = item if isinstance(item, str) else as_map(item).get("path")
                if isinstance(p, str):
                    result.patch_files.add((folder / p).resolve())
        ns = data.get("namespace")
        if isinstance(ns, str) and ns:
            for f in resource_files(folder.resolve(), set()):
                result.namespaces.setdefault(str(f), ns)
    # walk paths are not resolved; map both spellings
    for f in files:
        r = str(f.resolve())
        if r in result.namespaces:
            result.namespaces[str(f)] = result.namespaces[r]
    result.patch_files = {p for p in file_set if p.resolve() in result.patch_files}
    return result
