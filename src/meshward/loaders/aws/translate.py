"""From AWS API answers to :class:`CloudResource` in Terraform's attribute schema.

The shared half of the translation: how a live resource is named and located, how tags,
policy documents and dates look in Terraform state, and :class:`Reader`, which collectors use
to call AWS so that a failed call becomes an unknown attribute instead of a lost resource.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

from meshward.loaders.aws.session import Absent, AwsCaller, BudgetExhausted
from meshward.model.cloud import CloudResource, unknown
from meshward.model.source import Location

FAILED: Final = object()


class Reader:
    """What one collector needs: the caller, the region, the account, and where to put results."""

    def __init__(self, caller: AwsCaller, account_id: str) -> None:
        self.caller = caller
        self.region = caller.region
        self.account_id = account_id
        self.resources: list[CloudResource] = []
        self.budget_hit = False  # a list stopped by the call budget (its first pages kept)

    @property
    def environment(self) -> str:
        return f"aws:{self.region}"

    def add(self, type_: str, name: str, attributes: dict[str, Any], service: str, rid: str,
            arn: str = "") -> CloudResource:
        res = CloudResource(type=type_, name=name, attributes=attributes,
                            location=Location(f"aws://{self.region}/{service}/{rid}", 0),
                            environment=self.environment, address=arn or f"{type_}.{name}",
                            provider="aws")
        self.resources.append(res)
        return res

    def each(self, items: Iterable[Any], work: Callable[[Reader, Any], None]) -> None:
        """``work(reader, item)`` for every item, several at once (the per-item calls of large
        families: IAM roles, S3 buckets...). Resources are kept in item order; when an item
        fails on the budget, the others' resources are kept and the failure is raised after."""
        todo = list(items)
        subs = [Reader(self.caller, self.account_id) for _ in todo]
        workers = max(1, min(self.caller.options.workers, len(todo)))
        failures: list[BaseException] = []
        if todo:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                futures = [pool.submit(work, sub, item) for sub, item in zip(subs, todo,
                                                                              strict=True)]
                failures = [e for e in (f.exception() for f in futures) if e is not None]
        for sub in subs:
            self.resources.extend(sub.resources)
            self.budget_hit = self.budget_hit or sub.budget_hit
        if failures:
            raise failures[0]

    def arn(self, service: str, resource: str, region: bool = True, account: bool = True) -> str:
        return (f"arn:{self.caller.partition}:{service}:{self.region if region else ''}:"
                f"{self.account_id if account else ''}:{resource}")

    # -- calls that never lose the rest ----------------------------------------------------------

    def listing(self, service: str, method: str, key: str, **kwargs: Any) -> list[Any] | None:
        """Every item of a paginated list; ``None`` when the first page failed (recorded).

        When a later page fails, the items of the pages read before are kept.
        """
        out: list[Any] = []
        try:
            for page in self.caller.pages(service, method, **kwargs):
                out.extend(page.get(key) or [])
        except BudgetExhausted:
            if not out:
                raise
            self.budget_hit = True  # keep what was read; the family's next call stops it
            return out
        except Absent:
            return out
        except _call_errors():
            return out or None
        return out

    def get(self, service: str, method: str, absent: frozenset[str] = frozenset(),
            **kwargs: Any) -> dict[str, Any] | None:
        """One answer; ``{}`` when AWS says the thing is absent; ``None`` when the call failed."""
        try:
            return self.caller.call(service, method, absent=absent, **kwargs)
        except Absent:
            return {}
        except _call_errors():
            return None


def _call_errors() -> tuple[type[Exception], ...]:
    import botocore.exceptions as bx

    return (bx.ClientError, bx.BotoCoreError)


def not_read(call: str) -> Any:
    """The value of an attribute whose call failed: unknown, never a guess."""
    return unknown(f"{call} failed")


def tags(items: list[dict[str, Any]] | None) -> dict[str, str]:
    return {str(t.get("Key", t.get("key", ""))): str(t.get("Value", t.get("value", "")))
            for t in items or []}


def policy_json(document: Any) -> str | None:
    """A policy document as Terraform state keeps it: a JSON string."""
    if document is None or document == "":
        return None
    if isinstance(document, str):
        text = document
        if text.lstrip().startswith("%7B") or "%22" in text:
            text = urllib.parse.unquote(text)
        try:
            return json.dumps(json.loads(text))
        except ValueError:
            return text
    return json.dumps(document)


def timestamp(value: Any) -> str | None:
    """RFC 3339 in UTC, as the provider writes ``create_date``."""
    if isinstance(value, dt.datetime):
        when: dt.datetime = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value) if value else None


def arn_name(arn: str) -> str:
    """The last path segment of an ARN (``.../role/app`` -> ``app``)."""
    tail = arn.rsplit(":", 1)[-1]
    return tail.rsplit("/", 1)[-1]
