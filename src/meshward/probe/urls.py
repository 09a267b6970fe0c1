"""``meshward probe URL...``: targets made from URLs given on the command line.

Defaults for an endpoint nobody described: it expects a token (``--expects`` changes that),
is public, is probed with GET. Issuer, audience and keys are unknown, so the checks that need
them are reported as ``not run`` by the runner, never as passed.
"""

from __future__ import annotations

from meshward.errors import InputError, UsageError
from meshward.model.source import Location
from meshward.probe.targets import EXPECTS, Endpoint, Targets, check_url

URL_MODE_NOTICE = ("URLs given on the command line: issuer, audience, keys and a valid token "
                   "are unknown, so the checks that need them are not run (describe the "
                   "endpoint in a targets file to run them; see docs/probe.md)")


def looks_like_url(text: str) -> bool:
    return "://" in text


def targets_from_urls(urls: list[str], expects: str = "token") -> Targets:
    if expects not in EXPECTS:
        raise UsageError(f"--expects {expects!r} is not one of {', '.join(EXPECTS)}")
    t = Targets(path="<command line>")
    errors: list[InputError] = []
    for i, raw in enumerate(urls, start=1):
        url = check_url(raw, "<command line>", 0, errors, f"URL {i}")
        if not url:
            continue
        # Named by its URL, as the user typed it: findings name the endpoint once, that way.
        ep = Endpoint(name=url, url=url, location=Location("<command line>", 0))
        ep.expects = frozenset() if expects == "none" else frozenset({expects})
        t.endpoints.append(ep)
    if errors:
        raise UsageError("; ".join(e.message for e in errors),
                         "give http:// or https:// URLs, or a targets file")
    return t
