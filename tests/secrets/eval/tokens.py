"""Synthetic credentials generated to each provider's documented format (fixed seed).

Nothing here is a real secret: every value is drawn from ``random.Random(seed)`` at
test time, with the format's prefix, length, charset and checksum.
"""

from __future__ import annotations

import base64
import json
import random
import string
import zlib
from collections.abc import Callable

A = string.ascii_letters + string.digits
URL = A + "_-"
HEX = "0123456789abcdef"
UP = string.ascii_uppercase + string.digits
B32 = string.ascii_uppercase + "234567"
LOWER = string.ascii_lowercase + string.digits
BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


class Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def r(self, chars: str, n: int) -> str:
        return "".join(self.rng.choice(chars) for _ in range(n))

    def digits(self, n: int) -> str:
        return str(self.rng.randint(1, 9)) + self.r(string.digits, n - 1)

    def uuid(self) -> str:
        h = self.r(HEX, 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def b64(self, nbytes: int) -> str:
        return base64.b64encode(self.rng.randbytes(nbytes)).decode()

    def crc_token(self, prefix: str) -> str:
        body = self.r(A, 30)
        n = zlib.crc32(body.encode()) & 0xFFFFFFFF
        check = ""
        while n:
            n, rem = divmod(n, 62)
            check = BASE62[rem] + check
        return f"{prefix}_{body}{check.rjust(6, '0')}"

    def jwt(self, header: dict[str, object], claims: dict[str, object], signed: bool = True) -> str:
        def enc(obj: dict[str, object]) -> str:
            return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

        sig = base64.urlsafe_b64encode(self.rng.randbytes(32)).decode().rstrip("=") if signed else ""
        return f"{enc(header)}.{enc(claims)}.{sig}"


# detector id -> (family, line template with {t}, token generator)
Spec = tuple[str, str, Callable[[Gen], str]]


def _pypi(g: Gen) -> str:
    tail = g.r(URL, 81)
    return "pypi-AgEIcHlwaS5vcmc" + tail


def _grafana(g: Gen) -> str:
    body = json.dumps({"k": g.r(A, 32), "n": "deploy", "id": 1}, separators=(",", ":"))
    return base64.b64encode(body.encode()).decode()


def _sas(g: Gen) -> str:
    sig = g.b64(32).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    return ("https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=o&sp=r"
            f"&se=2030-01-01T00:00:00Z&sig={sig}")


def _aws_secret(g: Gen) -> str:
    while True:
        value = g.r(A + "/+", 40)
        if any(c.isdigit() for c in value) and any(c.isupper() for c in value):
            return value


def _docker_auth(g: Gen) -> str:
    return base64.b64encode(f"deploy-bot:{g.r(A, 20)}".encode()).decode()


KNOWN: dict[str, Spec] = {
    "aws-access-key-id": ("cloud", "{t}", lambda g: "AKIA" + g.r(B32, 16)),
    "aws-secret-access-key": ("cloud", "aws_secret_access_key = {t}", _aws_secret),
    "aws-mws-key": ("cloud", "{t}", lambda g: "amzn.mws." + g.uuid()),
    "gcp-api-key": ("cloud", "{t}", lambda g: "AIza" + g.r(URL, 35)),
    "gcp-oauth-client-secret": ("cloud", "{t}", lambda g: "GOCSPX-" + g.r(URL, 28)),
    "gcp-oauth-access-token": ("cloud", "{t}", lambda g: "ya29." + g.r(URL, 80)),
    "azure-storage-key": ("cloud", "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={t};"
                          "EndpointSuffix=core.windows.net", lambda g: g.b64(64)),
    "azure-sas-token": ("cloud", "{t}", _sas),
    "azure-ad-client-secret": ("cloud", "{t}",
                               lambda g: g.r(A, 3) + g.digits(1) + "Q~" + g.r(A + "_~.-", 34)),
    "alibaba-access-key-id": ("cloud", "{t}", lambda g: "LTAI" + g.r(A, 20)),
    "digitalocean-token": ("cloud", "{t}", lambda g: "dop_v1_" + g.r(HEX, 64)),
    "heroku-api-key": ("cloud", "{t}", lambda g: "HRKU-AA" + g.r(URL, 58)),
    "heroku-api-key-legacy": ("cloud", "HEROKU_API_KEY={t}", lambda g: g.uuid()),
    "cloudflare-api-token": ("cloud", "CLOUDFLARE_API_TOKEN={t}", lambda g: g.r(URL, 40)),
    "ibm-cloud-api-key": ("cloud", "IBM_CLOUD_API_KEY={t}", lambda g: g.r(URL, 44)),
    "github-pat": ("vcs-ci", "{t}", lambda g: g.crc_token("ghp")),
    "github-oauth-token": ("vcs-ci", "{t}", lambda g: g.crc_token("gho")),
    "github-user-to-server-token": ("vcs-ci", "{t}", lambda g: g.crc_token("ghu")),
    "github-server-to-server-token": ("vcs-ci", "{t}", lambda g: g.crc_token("ghs")),
    "github-refresh-token": ("vcs-ci", "{t}", lambda g: g.crc_token("ghr")),
    "github-fine-grained-pat": ("vcs-ci", "{t}",
                                lambda g: "github_pat_" + g.r(A, 22) + "_" + g.r(A, 59)),
    "gitlab-pat": ("vcs-ci", "{t}", lambda g: "glpat-" + g.r(URL, 20)),
    "gitlab-pipeline-trigger-token": ("vcs-ci", "{t}", lambda g: "glptt-" + g.r(HEX, 40)),
    "gitlab-runner-token": ("vcs-ci", "{t}", lambda g: "glrt-" + g.r(URL, 20)),
    "gitlab-deploy-token": ("vcs-ci", "{t}", lambda g: "gldt-" + g.r(URL, 20)),
    "bitbucket-app-password": ("vcs-ci", "{t}", lambda g: "ATBB" + g.r(A, 32)),
    "atlassian-api-token": ("vcs-ci", "{t}", lambda g: "ATATT3" + g.r(URL, 180)),
    "buildkite-token": ("vcs-ci", "{t}", lambda g: "bkua_" + g.r(HEX, 40)),
    "npm-token": ("vcs-ci", "{t}", lambda g: g.crc_token("npm")),
    "pypi-token": ("vcs-ci", "{t}", _pypi),
    "rubygems-token": ("vcs-ci", "{t}", lambda g: "rubygems_" + g.r(HEX, 48)),
    "nuget-api-key": ("vcs-ci", "{t}", lambda g: "oy2" + g.r(LOWER, 43)),
    "clojars-token": ("vcs-ci", "{t}", lambda g: "CLOJARS_" + g.r(LOWER, 60)),
    "jfrog-api-key": ("vcs-ci", "{t}", lambda g: "AKCp" + g.r(A, 69)),
    "docker-hub-pat": ("vcs-ci", "{t}", lambda g: "dckr_pat_" + g.r(URL, 27)),
    "docker-config-auth": ("vcs-ci", '{{"auths": {{"registry.internal:5000": {{"auth": "{t}"}}}}}}',
                           _docker_auth),
    "vault-service-token": ("infra", "{t}", lambda g: "hvs." + g.r(URL, 95)),
    "vault-batch-token": ("infra", "{t}", lambda g: "hvb." + g.r(URL, 140)),
    "terraform-cloud-token": ("infra", "{t}",
                              lambda g: g.r(A, 14) + ".atlasv1." + g.r(URL, 67)),
    "databricks-token": ("infra", "{t}", lambda g: "dapi" + g.r(HEX, 32)),
    "pulumi-token": ("infra", "{t}", lambda g: "pul-" + g.r(HEX, 40)),
    "doppler-token": ("infra", "{t}", lambda g: "dp.st." + g.r(A, 43)),
    "onepassword-service-account": ("infra", "{t}", lambda g: "ops_eyJ" + g.r(A + "+/", 150)),
    "grafana-api-key": ("infra", "{t}", _grafana),
    "grafana-cloud-token": ("infra", "{t}", lambda g: "glc_" + g.r(A, 40)),
    "grafana-service-account-token": ("infra", "{t}",
                                      lambda g: "glsa_" + g.r(A, 32) + "_" + g.r(HEX, 8)),
    "newrelic-user-key": ("infra", "{t}", lambda g: "NRAK-" + g.r(UP, 27)),
    "newrelic-license-key": ("infra", "{t}", lambda g: g.r(HEX, 36) + "NRAL"),
    "datadog-api-key": ("infra", "DD_API_KEY={t}", lambda g: g.r(HEX, 32)),
    "sentry-token": ("infra", "{t}", lambda g: "sntrys_eyJ" + g.r(A, 80)),
    "planetscale-token": ("infra", "{t}", lambda g: "pscale_tkn_" + g.r(A, 43)),
    "supabase-token": ("infra", "{t}", lambda g: "sbp_" + g.r(HEX, 40)),
    "postman-api-key": ("infra", "{t}", lambda g: "PMAK-" + g.r(HEX, 24) + "-" + g.r(HEX, 34)),
    "age-secret-key": ("private-key", "{t}", lambda g: "AGE-SECRET-KEY-1" + g.r(BECH32, 58)),
    "slack-bot-token": ("chat", "{t}",
                        lambda g: f"xoxb-{g.digits(12)}-{g.digits(13)}-{g.r(A, 24)}"),
    "slack-user-token": ("chat", "{t}",
                         lambda g: f"xoxp-{g.digits(12)}-{g.digits(12)}-{g.digits(13)}-{g.r(HEX, 32)}"),
    "slack-app-token": ("chat", "{t}",
                        lambda g: f"xapp-1-{g.r(UP, 11)}-{g.digits(13)}-{g.r(HEX, 64)}"),
    "slack-config-token": ("chat", "{t}", lambda g: "xoxe.xoxp-1-" + g.r(A, 150)),
    "slack-legacy-token": ("chat", "{t}", lambda g: f"xoxr-{g.digits(12)}-{g.r(A, 40)}"),
    "slack-webhook": ("chat", "{t}", lambda g: "https://hooks.slack.com/services/T"
                      + g.r(UP, 10) + "/B" + g.r(UP, 10) + "/" + g.r(A, 24)),
    "discord-webhook": ("chat", "{t}", lambda g: "https://discord.com/api/webhooks/"
                        + g.digits(18) + "/" + g.r(URL, 68)),
    "telegram-bot-token": ("chat", "{t}", lambda g: g.digits(10) + ":AA" + g.r(URL, 33)),
    "teams-webhook": ("chat", "{t}", lambda g: "https://contoso.webhook.office.com/webhookb2/"
                      + g.uuid() + "@" + g.uuid() + "/IncomingWebhook/" + g.r(HEX, 32) + "/"
                      + g.uuid()),
    "stripe-secret-key": ("payment", "{t}", lambda g: "sk_live_" + g.r(A, 34)),
    "stripe-restricted-key": ("payment", "{t}", lambda g: "rk_live_" + g.r(A, 34)),
    "stripe-webhook-secret": ("payment", "{t}", lambda g: "whsec_" + g.r(A, 32)),
    "square-access-token": ("payment", "{t}", lambda g: "sq0atp-" + g.r(URL, 22)),
    "square-oauth-secret": ("payment", "{t}", lambda g: "sq0csp-" + g.r(URL, 43)),
    "braintree-access-token": ("payment", "{t}", lambda g: "access_token$production$"
                               + g.r(LOWER, 16) + "$" + g.r(HEX, 32)),
    "shopify-token": ("payment", "{t}", lambda g: "shpat_" + g.r(HEX, 32)),
    "twilio-api-key": ("saas", "TWILIO_API_KEY={t}", lambda g: "SK" + g.r(HEX, 32)),
    "sendgrid-api-key": ("saas", "{t}", lambda g: "SG." + g.r(URL, 22) + "." + g.r(URL, 43)),
    "mailgun-api-key": ("saas", "{t}", lambda g: "key-" + g.r(HEX, 32)),
    "mailchimp-api-key": ("saas", "{t}", lambda g: g.r(HEX, 32) + "-us" + g.digits(2)),
    "brevo-api-key": ("saas", "{t}", lambda g: "xkeysib-" + g.r(HEX, 64) + "-" + g.r(A, 16)),
    "hubspot-private-app-token": ("saas", "{t}", lambda g: "pat-na1-" + g.uuid()),
    "linear-api-key": ("saas", "{t}", lambda g: "lin_api_" + g.r(A, 40)),
    "notion-token": ("saas", "{t}", lambda g: "ntn_" + g.digits(11) + g.r(A, 35)),
    "okta-api-token": ("saas", "OKTA_API_TOKEN={t}", lambda g: "00" + g.r(URL, 40)),
    "algolia-admin-key": ("saas", "ALGOLIA_ADMIN_KEY={t}", lambda g: g.r(HEX, 32)),
    "contentful-token": ("saas", "{t}", lambda g: "CFPAT-" + g.r(URL, 43)),
    "dynatrace-token": ("saas", "{t}", lambda g: "dt0c01." + g.r(UP, 24) + "." + g.r(UP, 64)),
    "flyio-token": ("saas", "{t}", lambda g: "fo1_" + g.r(URL, 43)),
    "netlify-token": ("saas", "{t}", lambda g: "nfp_" + g.r(A, 36)),
    "openai-api-key": ("ai", "{t}", lambda g: "sk-proj-" + g.r(URL, 120)),
    "openai-api-key-legacy": ("ai", "{t}", lambda g: "sk-" + g.r(A, 20) + "T3BlbkFJ" + g.r(A, 20)),
    "anthropic-api-key": ("ai", "{t}", lambda g: "sk-ant-api03-" + g.r(URL, 93) + "AA"),
    "huggingface-token": ("ai", "{t}", lambda g: "hf_" + g.r(string.ascii_letters, 34)),
    "replicate-token": ("ai", "{t}", lambda g: "r8_" + g.r(A, 37)),
    "groq-api-key": ("ai", "{t}", lambda g: "gsk_" + g.r(A, 52)),
    "perplexity-api-key": ("ai", "{t}", lambda g: "pplx-" + g.r(A, 48)),
    "cohere-api-key": ("ai", "COHERE_API_KEY={t}", lambda g: g.r(A, 40)),
}
