"""Line ranges of Python docstrings (bare string statements), where ``passwd='kadidd!ehopper'``
is a usage example, not an assignment the program makes. Read with :mod:`tokenize` only
when a generic match was found in a ``.py`` file; a file that does not tokenize keeps its
matches."""

from __future__ import annotations

import io
import tokenize

_SKIP = (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)


def docstring_lines(text: str) -> list[tuple[int, int]]:
    """``(first, last)`` lines of each string that is a statement of its own."""
    out: list[tuple[int, int]] = []
    try:
        toks = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
                if t.type not in _SKIP]
    except (tokenize.TokenError, SyntaxError, ValueError):
        return out
    for i, t in enumerate(toks):
        if t.type != tokenize.STRING:
            continue
        starts = i == 0 or toks[i - 1].type == tokenize.NEWLINE
        ends = i + 1 >= len(toks) or toks[i + 1].type in (tokenize.NEWLINE, tokenize.ENDMARKER)
        if starts and ends:
            out.append((t.start[0], t.end[0]))
    return out
