"""Lockfile readers: exact pins with lines; malformed lines are input errors."""

from __future__ import annotations

import json

from meshward.errors import InputError
from meshward.vuln.lockfiles import read_go_sum, read_package_lock, read_poetry, read_requirements


def test_requirements_only_exact_pins() -> None:
    errors: list[InputError] = []
    lock = read_requirements("requirements.txt", (
        "-r base.txt\n"
        "--index-url https://pypi.example.com/simple\n"
        "Django==4.2.7 ; python_version >= '3.10'\n"
        "celery[redis]==5.3.4  # via -r in\n"
        "requests>=2.31\n"
        "git+https://github.com/example/lib@v1#egg=lib\n"
        "numpy === 1.26.2\n"), errors)
    assert [(p.name, p.version, p.line) for p in lock.packages] == [
        ("Django", "4.2.7", 3), ("celery", "5.3.4", 4), ("numpy", "1.26.2", 7)]
    assert errors == []


def test_package_lock_v1_nested() -> None:
    doc = {"name": "app", "lockfileVersion": 1, "dependencies": {
        "express": {"version": "4.17.1", "dependencies": {"qs": {"version": "6.7.0"}}},
        "local": {"version": "file:../local"}}}
    errors: list[InputError] = []
    lock = read_package_lock("package-lock.json", json.dumps(doc, indent=2), errors)
    assert [(p.name, p.version, p.line) for p in lock.packages] == [
        ("express", "4.17.1", 5), ("qs", "6.7.0", 8)]
    assert errors == []


def test_package_lock_entry_without_version() -> None:
    doc = {"lockfileVersion": 3, "packages": {"": {}, "node_modules/a": {"resolved": "x"}}}
    errors: list[InputError] = []
    read_package_lock("package-lock.json", json.dumps(doc, indent=2), errors)
    assert [e.render() for e in errors] == [
        "package-lock.json:5: package-lock entry node_modules/a has no version "
        "(that package was skipped)"]


def test_go_sum_bad_line_and_poetry_bad_toml() -> None:
    errors: list[InputError] = []
    lock = read_go_sum("go.sum", "github.com/a/b v1.2.3 h1:abc=\nnot a go.sum line\n", errors)
    assert [(p.name, p.version) for p in lock.packages] == [("github.com/a/b", "v1.2.3")]
    read_poetry("poetry.lock", '[[package]]\nname = "x"\nversion = \n', errors)
    assert [e.render() for e in errors] == [
        "go.sum:2: go.sum line is not `module version h1:hash` (run `go mod tidy`; the line "
        "was skipped)",
        errors[1].render(),
    ]
    assert errors[1].line == 3 and "poetry.lock is not valid TOML" in errors[1].message
