"""Credential formats of cloud providers, VCS/CI/registries and infrastructure tools.

Each detector is written from the provider's documented token format: a fixed prefix,
a length and charset, and a checksum where the provider publishes one.
"""

from __future__ import annotations

import re

from meshward.findings.finding import Confidence
from meshward.secrets import validate as v
from meshward.secrets.model import Detector, Kind, Validator

B = r"(?<![A-Za-z0-9_\-])"  # no token character before
E = r"(?![A-Za-z0-9_\-])"  # no token character after
ASSIGN = r"[\w.\-]{0,25}?\s*(?:[:=]|=>|:=)\s*[\"'`]?"
MED, HIGH = Confidence.MEDIUM, Confidence.HIGH


def d(id: str, family: str, title: str, pattern: str, keywords: tuple[str, ...] = (),
      cs: tuple[str, ...] = (), *, conf: Confidence = HIGH, check: Validator | None = None,
      flags: int = 0, kind: Kind = Kind.KNOWN, ref: str = "") -> Detector:
    return Detector(id=id, family=family, title=title, regex=re.compile(pattern, flags),
                    keywords=keywords, cs_keywords=cs, confidence=conf, validate=check,
                    kind=kind, reference=ref)


def _no_example(value: str) -> bool:
    return "EXAMPLE" not in value.upper()


def _gh(value: str) -> bool:
    return v.crc32_base62_ok(value)


CLOUD = [
    d("aws-access-key-id", "cloud", "AWS access key id",
      B + r"((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})" + E, cs=("AKIA", "ASIA", "ABIA", "ACCA"),
      check=_no_example, ref="AWS IAM: access key ids are 20 upper-case characters, AKIA/ASIA"),
    d("aws-secret-access-key", "cloud", "AWS secret access key",
      r"(?i)aws[\w.\-]{0,25}?(?:secret|sk)" + ASSIGN + r"(?P<s>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
      ("aws",), check=lambda s: v.aws_secret_ok(s) and _no_example(s)),
    d("aws-mws-key", "cloud", "Amazon MWS auth token",
      B + r"(amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})" + E,
      ("amzn.mws.",)),
    d("gcp-api-key", "cloud", "Google API key", B + r"(AIza[0-9A-Za-z_\-]{35})" + E, cs=("AIza",),
      check=v.random_ok),
    d("gcp-oauth-client-secret", "cloud", "Google OAuth client secret",
      B + r"(GOCSPX-[A-Za-z0-9_\-]{28})" + E, cs=("GOCSPX-",), check=v.random_ok),
    d("gcp-oauth-access-token", "cloud", "Google OAuth access token",
      B + r"(ya29\.[0-9A-Za-z_\-]{60,})" + E, ("ya29.",), conf=MED, check=v.mixed_ok),
    d("azure-storage-key", "cloud", "Azure storage account key",
      r"(?i)AccountKey=(?P<s>[A-Za-z0-9+/]{86}==)", ("accountkey=",), check=v.azure_storage_ok),
    d("azure-sas-token", "cloud", "Azure shared access signature",
      r"[?&]sv=\d{4}-\d\d-\d\d&[^\s\"']*?sig=(?P<s>[A-Za-z0-9%+/]{40,}(?:%3D|=)?)",
      ("sig=",), conf=MED, check=v.random_ok),
    d("azure-ad-client-secret", "cloud", "Microsoft Entra ID client secret",
      B + r"([A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})" + E, cs=("Q~",), check=v.mixed_ok),
    d("alibaba-access-key-id", "cloud", "Alibaba Cloud AccessKey id",
      B + r"(LTAI[A-Za-z0-9]{20})" + E, cs=("LTAI",), check=v.mixed_ok),
    d("digitalocean-token", "cloud", "DigitalOcean token",
      B + r"(do[por]_v1_[a-f0-9]{64})" + E, ("dop_v1_", "doo_v1_", "dor_v1_")),
    d("heroku-api-key", "cloud", "Heroku API key", B + r"(HRKU-AA[0-9A-Za-z_\-]{58})" + E,
      cs=("HRKU-",)),
    d("heroku-api-key-legacy", "cloud", "Heroku API key (legacy)",
      r"(?i)heroku" + ASSIGN + r"(?P<s>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})" + E,
      ("heroku",), conf=MED),
    d("cloudflare-api-token", "cloud", "Cloudflare API token",
      r"(?i)(?:cloudflare|cf_api)[\w.\-]{0,20}?(?:token|key)" + ASSIGN + r"(?P<s>[A-Za-z0-9_\-]{40})" + E,
      ("cloudflare", "cf_api"), conf=MED, check=v.mixed_ok),
    d("ibm-cloud-api-key", "cloud", "IBM Cloud API key",
      r"(?i)ibm[\w.\-]{0,20}?api_?key" + ASSIGN + r"(?P<s>[A-Za-z0-9_\-]{44})" + E,
      ("ibm",), conf=MED, check=v.mixed_ok),
]

VCS_CI = [
    *[d(f"github-{name}", "vcs-ci", f"GitHub {title}", B + rf"({p}_[A-Za-z0-9]{{36}})" + E, (p + "_",),
        check=_gh, ref="github.blog 2021-04-05: prefix, 30 base62 chars, CRC32 checksum")
      for p, name, title in (("ghp", "pat", "personal access token (classic)"),
                             ("gho", "oauth-token", "OAuth access token"),
                             ("ghu", "user-to-server-token", "user-to-server token"),
                             ("ghs", "server-to-server-token", "server-to-server token"),
                             ("ghr", "refresh-token", "refresh token"))],
    d("github-fine-grained-pat", "vcs-ci", "GitHub fine-grained personal access token",
      B + r"(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})" + E, ("github_pat_",), check=v.mixed_ok),
    d("gitlab-pat", "vcs-ci", "GitLab personal access token",
      B + r"(glpat-[A-Za-z0-9_\-]{20,}(?:\.[0-9a-z]{2}\.[0-9a-z]{7,9})?)" + E, ("glpat-",),
      check=v.random_ok),
    d("gitlab-pipeline-trigger-token", "vcs-ci", "GitLab pipeline trigger token",
      B + r"(glptt-[0-9a-f]{40})" + E, ("glptt-",)),
    d("gitlab-runner-token", "vcs-ci", "GitLab runner authentication token",
      B + r"(glrt-[A-Za-z0-9_\-]{20,})" + E, ("glrt-",), check=v.random_ok),
    d("gitlab-deploy-token", "vcs-ci", "GitLab deploy token",
      B + r"(gldt-[A-Za-z0-9_\-]{20,})" + E, ("gldt-",), check=v.random_ok),
    d("bitbucket-app-password", "vcs-ci", "Bitbucket/Atlassian app password",
      B + r"(ATBB[A-Za-z0-9_=.\-]{28,})" + E, cs=("ATBB",), check=v.mixed_ok),
    d("atlassian-api-token", "vcs-ci", "Atlassian API token",
      B + r"(ATATT3[A-Za-z0-9_=\-]{150,})" + E, cs=("ATATT3",), check=v.mixed_ok),
    d("buildkite-token", "vcs-ci", "Buildkite agent/API token",
      B + r"(bkua_[a-f0-9]{40})" + E, ("bkua_",)),
    d("npm-token", "vcs-ci", "npm access token", B + r"(npm_[A-Za-z0-9]{36})" + E, ("npm_",),
      check=_gh, ref="github.blog 2021-09-23: npm tokens use GitHub's checksummed format"),
    d("pypi-token", "vcs-ci", "PyPI API token",
      B + r"(pypi-AgE[A-Za-z0-9_\-]{60,})" + E, cs=("pypi-AgE",), check=v.pypi_ok),
    d("rubygems-token", "vcs-ci", "RubyGems API key", B + r"(rubygems_[a-f0-9]{48})" + E,
      ("rubygems_",)),
    d("nuget-api-key", "vcs-ci", "NuGet API key", B + r"(oy2[a-z0-9]{43})" + E, cs=("oy2",),
      check=v.mixed_ok),
    d("clojars-token", "vcs-ci", "Clojars deploy token", B + r"(CLOJARS_[a-z0-9]{60})" + E,
      cs=("CLOJARS_",)),
    d("jfrog-api-key", "vcs-ci", "JFrog Artifactory API key", B + r"(AKCp[A-Za-z0-9]{69})" + E,
      cs=("AKCp",), check=v.mixed_ok),
    d("docker-hub-pat", "vcs-ci", "Docker Hub access token",
      B + r"(dckr_(?:pat|oat)_[A-Za-z0-9_\-]{27,})" + E, ("dckr_pat_", "dckr_oat_"), check=v.random_ok),
    d("docker-config-auth", "vcs-ci", "Docker registry credentials (config.json auths)",
      r"\"auth\"\s*:\s*\"(?P<s>[A-Za-z0-9+/=]{8,})\"", ("\"auth\"",), check=v.docker_auth_ok),
]

INFRA = [
    d("vault-service-token", "infra", "HashiCorp Vault service token",
      B + r"(hvs\.[A-Za-z0-9_\-]{90,})" + E, ("hvs.",), check=v.mixed_ok),
    d("vault-batch-token", "infra", "HashiCorp Vault batch token",
      B + r"(hvb\.[A-Za-z0-9_\-]{100,})" + E, ("hvb.",), check=v.mixed_ok),
    d("terraform-cloud-token", "infra", "Terraform Cloud/Enterprise API token",
      B + r"([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=\-]{60,70})" + E, (".atlasv1.",), check=v.mixed_ok),
    d("databricks-token", "infra", "Databricks personal access token",
      B + r"(dapi[a-f0-9]{32}(?:-\d)?)" + E, ("dapi",), check=v.mixed_ok),
    d("pulumi-token", "infra", "Pulumi access token", B + r"(pul-[a-f0-9]{40})" + E, ("pul-",)),
    d("doppler-token", "infra", "Doppler service token", B + r"(dp\.(?:pt|st|sa|ct)\.[A-Za-z0-9]{40,44})" + E,
      ("dp.pt.", "dp.st.", "dp.sa.", "dp.ct."), check=v.mixed_ok),
    d("onepassword-service-account", "infra", "1Password service account token",
      B + r"(ops_eyJ[A-Za-z0-9+/=_\-]{100,})" + E, ("ops_eyj",)),
    d("grafana-api-key", "infra", "Grafana API key", B + r"(eyJrIjoi[A-Za-z0-9+/=_\-]{60,})" + E,
      cs=("eyJrIjoi",), check=v.grafana_key_ok),
    d("grafana-cloud-token", "infra", "Grafana Cloud token",
      B + r"(glc_[A-Za-z0-9+/_\-]{32,}={0,2})" + E, ("glc_",), check=v.mixed_ok),
    d("grafana-service-account-token", "infra", "Grafana service account token",
      B + r"(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})" + E, ("glsa_",)),
    d("newrelic-user-key", "infra", "New Relic user API key", B + r"(NRAK-[A-Z0-9]{27})" + E,
      cs=("NRAK-",), check=v.mixed_ok),
    d("newrelic-license-key", "infra", "New Relic ingest license key",
      B + r"([a-f0-9]{36}NRAL)" + E, cs=("NRAL",)),
    d("datadog-api-key", "infra", "Datadog API/application key",
      r"(?i)(?:datadog|dd)_?(?:api|app(?:lication)?)_?key" + ASSIGN + r"(?P<s>[a-f0-9]{32}(?:[a-f0-9]{8})?)" + E,
      ("datadog", "dd_api", "dd_app", "ddapi", "ddapp"), conf=MED),
    d("sentry-token", "infra", "Sentry auth token",
      B + r"(sntry[su]_[A-Za-z0-9+/=_\-]{40,})" + E, ("sntrys_", "sntryu_"), check=v.mixed_ok),
    d("planetscale-token", "infra", "PlanetScale token or password",
      B + r"(pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.\-]{32,64})" + E, ("pscale_",), check=v.random_ok),
    d("supabase-token", "infra", "Supabase access token", B + r"(sbp_[a-f0-9]{40})" + E, ("sbp_",)),
    d("age-secret-key", "private-key", "age secret key",
      B + r"(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})" + E, cs=("AGE-SECRET-KEY-1",),
      kind=Kind.PRIVATE_KEY, check=v.age_key_ok),
    d("postman-api-key", "infra", "Postman API key", B + r"(PMAK-[a-f0-9]{24}-[a-f0-9]{34})" + E,
      ("pmak-",)),
]
