"""OSV index: GIT ranges and versions lists, releases, withdrawn advisories, source packages."""

from __future__ import annotations

import json
from pathlib import Path

from meshward.vuln.model import Package
from meshward.vuln.osv import load_index
from tests.vuln.osvdata import advisory, ecosystem_range


def _index(tmp: Path, *docs: dict[str, object]) -> Path:
    for d in docs:
        (tmp / f"{d['id']}.json").write_text(json.dumps(d, indent=2))
    return tmp


def test_git_ranges_use_the_versions_list(tmp_path: Path) -> None:
    git = {"type": "GIT", "repo": "https://github.com/example/lib",
           "events": [{"introduced": "0"}, {"fixed": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"}]}
    idx = load_index(_index(tmp_path, advisory("OSV-2024-1", "PyPI", "example-lib", [git],
                                               versions=["1.0.0", "1.1.0"])))
    hits = idx.lookup(Package("Example_Lib", "1.1.0", "PyPI"))  # PEP 503 name normalisation
    assert [(m.id, m.fixed) for m in hits] == [("OSV-2024-1", "")]
    assert idx.lookup(Package("example-lib", "1.2.0", "PyPI")) == []


def test_releases_must_match(tmp_path: Path) -> None:
    idx = load_index(_index(
        tmp_path,
        advisory("USN-1", "Ubuntu:22.04:LTS", "openssl",
                 [ecosystem_range({"introduced": "0"}, {"fixed": "3.0.2-0ubuntu1.15"})],
                 severity=[{"type": "Ubuntu", "score": "medium"}]),
        advisory("USN-2", "Ubuntu:20.04:LTS", "openssl",
                 [ecosystem_range({"introduced": "0"}, {"fixed": "9.9"})])))
    pkg = Package("libssl3", "3.0.2-0ubuntu1.12", "Ubuntu:22.04", source_name="openssl")
    hits = idx.lookup(pkg)
    assert [(m.id, m.fixed, m.rating.label, m.matched_name) for m in hits] == [
        ("USN-1", "3.0.2-0ubuntu1.15", "medium", "openssl")]
    # a package whose release is unknown never matches release-specific advisories
    assert idx.lookup(Package("openssl", "3.0.2-0ubuntu1.12", "Ubuntu")) == []


def test_unsupported_ecosystem_is_a_notice(tmp_path: Path) -> None:
    idx = load_index(_index(tmp_path, advisory("GHSA-m", "Maven", "org.example:lib",
                                               [ecosystem_range({"introduced": "0"})])))
    assert idx.lookup(Package("org.example:lib", "1.0", "Maven")) == []
    assert idx.notices == ["OSV: versions of the Maven ecosystem are not compared (e.g. "
                           "org.example:lib 1.0); its packages were not matched"]


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    idx = load_index(tmp_path / "nope")
    assert [e.render() for e in idx.errors] == [
        f"{tmp_path / 'nope'}: OSV export folder not found (give the folder the OSV all.zip "
        "files were put in)"]
