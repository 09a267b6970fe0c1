"""One bounded, read-only conversation with an AWS account.

Every request meshward sends goes through :class:`AwsCaller`: it creates the boto3 clients
(standard configuration: profile, region, ``AWS_ENDPOINT_URL``, the credential chain), counts
every request against a budget, follows pagination, and turns denied, throttled or failed calls
into notices naming the call — the rest of the account is still read. Only ``Describe*``,
``List*`` and ``Get*`` operations can be called (:data:`READ_ONLY_PREFIXES`): the loader cannot
change the account even by mistake.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

DEFAULT_MAX_CALLS: Final = 5000
DEFAULT_WORKERS: Final = 4  # service families read at once
READ_ONLY_PREFIXES: Final = ("describe_", "list_", "get_")

DENIED_CODES: Final = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
    "AuthorizationError", "Forbidden", "403", "AuthFailure", "NotAuthorized",
})
THROTTLED_CODES: Final = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException",
    "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException", "SlowDown",
    "ProvisionedThroughputExceededException", "LimitExceededException",
})
CREDENTIAL_CODES: Final = frozenset({
    "InvalidClientTokenId", "UnrecognizedClientException", "ExpiredToken", "ExpiredTokenException",
    "InvalidAccessKeyId", "SignatureDoesNotMatch", "IncompleteSignature", "InvalidToken",
})


class BudgetExhausted(Exception):
    """The configured number of AWS calls has been spent."""


class Absent(Exception):
    """The call answered that the thing asked for does not exist (no policy, no lock...)."""


class CredentialsProblem(Exception):
    """No credentials, or credentials AWS refuses: nothing can be read."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class AwsOptions:
    """What ``meshward scan --aws`` was told (``None`` means: the standard AWS configuration)."""

    region: str | None = None
    profile: str | None = None
    max_calls: int = DEFAULT_MAX_CALLS
    workers: int = DEFAULT_WORKERS


@dataclass
class CallRecord:
    calls: int = 0
    denied: list[str] = field(default_factory=list)  # "iam:ListRoles (AccessDenied)"
    throttled: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # families not read: budget spent
    operations: set[tuple[str, str]] = field(default_factory=set)  # every (client, method) sent
    requests: dict[tuple[str, str], int] = field(default_factory=dict)  # requests per method


def _label(service: str, method: str) -> str:
    """How notices name a call: the IAM action it needs (``iam:ListRoles``)."""
    from meshward.loaders.aws.permissions import CALLS

    action = CALLS.get((service, method))
    if action is None:
        return f"{service}:{method}"
    if action == "apigateway:GET":
        return f"apigateway:GET ({''.join(p.capitalize() for p in method.split('_'))})"
    return action


def _check(service: str, method: str) -> None:
    from meshward.loaders.aws.permissions import CALLS

    if (service, method) not in CALLS or not method.startswith(READ_ONLY_PREFIXES):
        raise ValueError(f"{service}.{method} is not one of the documented read-only calls")


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        if code:
            return str(code)
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status:
            return str(status)
    return type(exc).__name__


class AwsCaller:
    """Clients, the call budget and the notices of one live read."""

    def __init__(self, options: AwsOptions) -> None:
        import boto3
        import botocore.config

        self.options = options
        # AWS_REGION first, as the AWS CLI v2 and the other SDKs do (botocore reads only
        # AWS_DEFAULT_REGION and the profile)
        region = options.region or os.environ.get("AWS_REGION") or None
        self.session = boto3.session.Session(profile_name=options.profile, region_name=region)
        self.region: str = self.session.region_name or ""
        # retries: the standard mode (which backs off on throttling), unless the standard
        # configuration (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE, the profile) says otherwise
        core = getattr(self.session, "_session", None)  # botocore's, which reads the profile
        configured = ("AWS_MAX_ATTEMPTS" in os.environ or "AWS_RETRY_MODE" in os.environ
                      or (core is not None
                          and core.get_config_variable("max_attempts") is not None))
        self._config = botocore.config.Config(
            connect_timeout=5, read_timeout=30, user_agent_extra="meshward",
            retries=None if configured else {"mode": "standard", "max_attempts": 4})
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()  # families are read from several threads
        self._local = threading.local()  # calls spent by the family this thread reads
        self.record = CallRecord()
        self.account_id = ""
        self.partition = "aws"

    def client(self, service: str) -> Any:
        with self._lock:  # a boto3 session is not thread-safe; its clients are
            if service not in self._clients:
                self._clients[service] = self.session.client(
                    service, region_name=self.region or None, config=self._config)
            return self._clients[service]

    # -- calls ---------------------------------------------------------------------------------

    def _spend(self, service: str, method: str, count: int = 1) -> None:
        with self._lock:
            self.record.operations.add((service, method))
            if count > 0 and self.record.calls >= self.options.max_calls:
                raise BudgetExhausted
            self.record.calls += count
            self._local.spent = getattr(self._local, "spent", 0) + count
            key = (service, method)
            self.record.requests[key] = self.record.requests.get(key, 0) + count

    def start_family(self) -> None:
        self._local.spent = 0

    def family_spent(self) -> int:
        """Calls spent since :meth:`start_family` in this thread."""
        return int(getattr(self._local, "spent", 0))

    def _classify(self, service: str, method: str, exc: Exception,
                  absent_codes: frozenset[str]) -> Exception:
        """Record what went wrong with one call; return the exception the collector sees."""
        import botocore.exceptions as bx

        label = _label(service, method)
        if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
            return CredentialsProblem(
                "AWS: no credentials found",
                "set AWS_PROFILE (or --aws-profile) to a configured profile, or "
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws sso login`")
        if isinstance(exc, bx.ProfileNotFound):
            return CredentialsProblem(f"AWS: {exc}", "name a profile from ~/.aws/config")
        code = _error_code(exc)
        if code in absent_codes:
            return Absent(code)
        if code in CREDENTIAL_CODES:
            return CredentialsProblem(
                f"AWS: the credentials were refused ({code}) by {label}",
                "refresh them (`aws sso login`, new session token) or set valid ones")
        with self._lock:
            if code in DENIED_CODES:
                self.record.denied.append(f"{label} ({code})")
            elif code in THROTTLED_CODES:
                self.record.throttled.append(f"{label} ({code})")
            else:
                detail = str(exc).splitlines()[0] if str(exc) else code
                self.record.failed.append(f"{label} ({detail})")
        return exc

    def call(self, service: str, method: str, absent: frozenset[str] = frozenset(),
             **kwargs: Any) -> dict[str, Any]:
        """One read-only request. Raises :class:`Absent` for ``absent`` error codes."""
        _check(service, method)
        self._spend(service, method)
        try:
            answer = getattr(self.client(service), method)(**kwargs)
        except Exception as exc:
            mapped = self._classify(service, method, exc, absent)
            if mapped is exc:
                raise
            raise mapped from exc
        return dict(answer)

    def pages(self, service: str, method: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Every page of a paginated read (one budgeted request per page)."""
        _check(service, method)
        client = self.client(service)
        if not client.can_paginate(method):
            self._spend(service, method)
            try:
                answer = dict(getattr(client, method)(**kwargs))
            except Exception as exc:
                mapped = self._classify(service, method, exc, frozenset())
                if mapped is exc:
                    raise
                raise mapped from exc
            yield answer
            return
        paginator = client.get_paginator(method)
        iterator = iter(paginator.paginate(**kwargs))
        while True:
            self._spend(service, method)
            try:
                page = next(iterator)
            except StopIteration:
                self._spend(service, method, -1)  # the end was known without a request
                return
            except Exception as exc:
                mapped = self._classify(service, method, exc, frozenset())
                if mapped is exc:
                    raise
                raise mapped from exc
            yield dict(page)
