"""The guide's practices, by stable code (see the project's practices.md)."""

from __future__ import annotations

PRACTICES: dict[str, str] = {
    "ENV-PRIVATE": "Workloads live in a private network; segmentation is deny-by-default.",
    "ENV-PORTS": "Only needed ports are exposed, and only to the services that need them.",
    "ENV-EDGE": "The edge has rate limiting, a WAF, load balancing and IP allowlists.",
    "ENV-RBAC": "People get access through roles, with least privilege.",
    "ENV-GRANTS": "Access granted is audited regularly; temporary grants expire and are revoked.",
    "AUTH-LEASTPRIV": "Each workload runs with the least privilege it needs.",
    "AUTH-ZEROTRUST": "Every request is authenticated and authorized, deny by default.",
    "AUTH-GATEWAY": "External traffic enters through an API gateway that authenticates it.",
    "AUTH-JWT": "Tokens are JWTs signed by an identity server and verified by every recipient.",
    "AUTH-PENTEST": "Authentication and authorization are tested against the running system.",
    "AUTH-IAM": "Cloud identities of services follow least privilege.",
    "TLS-MTLS": "mTLS is enforced between services.",
    "TLS-PLAINTEXT": "No service talks to another, or to the outside, in plaintext.",
    "TLS-CONFIG": "TLS itself is sound.",
    "LOG-COLLECT": "Logs are structured and shipped to a log system.",
    "LOG-RUNTIME": "Runtime threat detection runs where workloads run.",
    "LOG-TAMPER": "Logs are backed up where an intruder cannot erase or alter them.",
    "LOG-ANOMALY": "Anomalies raise alerts, and alerts are tested.",
    "SEC-HARDCODED": "No secret is written in source, configuration or images.",
    "SEC-MANAGER": "Secrets come from a secret manager at run time.",
    "SEC-LEASTPRIV": "Each service can read only its own secrets.",
    "DOC-CATALOG": "Every service is documented.",
    "DOC-DRIFT": "The documentation matches what is deployed.",
    "SUP-PROVENANCE": "Images are pinned by digest and their signatures are verified.",
    "SUP-REGISTRY": "Images come from trusted private registries.",
    "SUP-VULN": "Base images are current and scanned for known vulnerabilities.",
    "SUP-BUILD": "Images are built safely.",
    "SUP-PATCH": "Patches roll out with minimum downtime.",
    "SUP-PIPELINE": "Security checks run in the pipeline as a gate.",
}

FAMILIES: dict[str, str] = {
    "ENV": "Secure the environment before deploying into it",
    "AUTH": "Authenticate and authorize every request between services",
    "TLS": "Encrypt and mutually authenticate traffic between services",
    "LOG": "Monitoring and logging that security can use",
    "SEC": "Keep secrets out of code",
    "DOC": "Know what runs where",
    "SUP": "Trust what you deploy",
}
