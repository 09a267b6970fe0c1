from __future__ import annotations

from meshward.loaders.dockerfile import looks_like_dockerfile, parse_dockerfile
from meshward.loaders.interface import SourceFile

DOCKERFILE = """\
# syntax=docker/dockerfile:1.7
# escape=\\
ARG BASE=python:3.12-slim
FROM ${BASE} AS build
RUN pip install \\
    --no-cache-dir \\
    # a comment inside a continuation
    flask
RUN <<EOF
set -e
curl -fsSL https://example.com/install.sh | sh
EOF
FROM gcr.io/distroless/python3:nonroot
COPY --from=build /app /app
USER 65532
"""


def test_stages_directives_continuations_heredocs() -> None:
    res = parse_dockerfile(SourceFile("Dockerfile", DOCKERFILE))
    assert res.errors == []
    df = res.dockerfiles[0]
    assert df.directives == {"syntax": "docker/dockerfile:1.7", "escape": "\\"}
    assert [a.value for a in df.global_args] == ["BASE=python:3.12-slim"]
    assert [(s.base_image, s.alias, s.line) for s in df.stages] == [
        ("${BASE}", "build", 4), ("gcr.io/distroless/python3:nonroot", "", 13)]
    build = df.stages[0].instructions
    assert [(i.keyword, i.line, i.end_line) for i in build] == [
        ("FROM", 4, 4), ("RUN", 5, 8), ("RUN", 9, 12)]
    assert build[1].value == "pip install --no-cache-dir flask"
    assert build[2].heredocs == ["set -e\ncurl -fsSL https://example.com/install.sh | sh"]
    final = df.stages[1].instructions
    assert (final[1].keyword, final[1].flags, final[1].value) == ("COPY", {"from": "build"}, "/app /app")
    assert df.final_stage is df.stages[1]


def test_backtick_escape_and_errors() -> None:
    res = parse_dockerfile(SourceFile("win.Dockerfile", "# escape=`\nFROM mcr.microsoft.com/windows\n"
                                      "RUN dir `\n  c:\\\nFROBNICATE x\n"))
    df = res.dockerfiles[0]
    assert df.stages[0].instructions[1].value == "dir c:\\"
    assert [e.render() for e in res.errors] == [
        "win.Dockerfile:5: unknown Dockerfile instruction 'FROBNICATE' "
        "(check the spelling; the line was skipped)"]
    res = parse_dockerfile(SourceFile("Dockerfile", "RUN echo\n"))
    assert [e.message for e in res.errors] == ["RUN before the first FROM",
                                               "Dockerfile has no FROM instruction"]
    res = parse_dockerfile(SourceFile("Dockerfile", "FROM a\nRUN <<EOT\necho\n"))
    assert [e.message for e in res.errors] == ["heredoc EOT is never closed"]


def test_content_detection() -> None:
    assert looks_like_dockerfile("# hi\nARG X=1\nFROM alpine:3.20\n")
    assert not looks_like_dockerfile("hello\nFROM x\n")
    assert not looks_like_dockerfile("ARG only\n")


def test_dockerfile_variants_need_dockerfile_content(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from meshward.config import Config
    from meshward.pipeline import load_inventory

    (tmp_path / "Dockerfile.prod").write_text("FROM alpine:3.20\nUSER 1000\n")
    (tmp_path / "dockerfile.py").write_text('"""module"""\nimport os\n')
    (tmp_path / "api.dockerfile").write_text("FROM alpine:3.20\n")
    inv = load_inventory([tmp_path], Config())
    assert inv.errors == []
    assert sorted(d.path for d in inv.dockerfiles) == ["Dockerfile.prod", "api.dockerfile"]
