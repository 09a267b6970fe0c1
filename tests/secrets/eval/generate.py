"""Build the labelled evaluation tree: true secrets of every format plus hard negatives.

``build(root)`` writes the files and returns the positive labels
``{(path, line): family}``; everything else in the tree must stay silent.
Run ``python -m tests.secrets.eval.generate DIR`` to look at the tree.
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from tests.secrets.eval.tokens import HEX, KNOWN, URL, A, Gen

Labels = dict[tuple[str, int], str]
SEED = 20240501
# How a bare token is written, in turn: .env, YAML, Python, JSON, shell, Markdown.
STYLES = (("app.env", "EXPORTED_VALUE_{i}={t}"), ("config/settings.yaml", "value_{i}: \"{t}\""),
          ("src/client.py", "VALUE_{i} = \"{t}\""), ("config/settings.json", "  \"value_{i}\": \"{t}\","),
          ("deploy/run.sh", "curl -H \"Authorization: Bearer {t}\" https://api.internal/v{i}"),
          ("NOTES.md", "- rotated credential: `{t}`"))


class Tree:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, list[str]] = {}
        self.labels: Labels = {}

    def add(self, path: str, line: str, family: str | None = None) -> int:
        lines = self.files.setdefault(path, [])
        for n, part in enumerate(line.split("\n")):
            lines.append(part)
            if n == 0 and family:
                self.labels[(path, len(lines))] = family
        return len(lines) - line.count("\n")

    def write(self) -> None:
        for path, lines in self.files.items():
            full = self.root / path
            full.parent.mkdir(parents=True, exist_ok=True)
            full.write_text("\n".join(lines) + "\n", encoding="utf-8")


def known_formats(t: Tree, g: Gen) -> None:
    for i, (det, (family, template, make)) in enumerate(sorted(KNOWN.items())):
        token = make(g)
        if template == "{t}":
            path, style = STYLES[i % len(STYLES)]
            t.add(path, style.format(i=i, t=token), family)
        else:
            path = "config/provider.json" if template.startswith("{") else "services/provider.env"
            t.add(path, template.format(t=token), family)
        if det == "aws-access-key-id":  # a secret key on the next line is found by proximity
            t.add(path if template == "{t}" else "services/provider.env", "", None)
    t.add("services/aws.env", "AWS_ACCESS_KEY_ID=AKIA" + g.r("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
          "cloud")
    secret = KNOWN["aws-secret-access-key"][2](g)
    t.add("services/aws.env", f"AWS_SECRET={secret}", "cloud")


def private_keys(t: Tree, g: Gen) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ed_key = ed25519.Ed25519PrivateKey.generate()
    none = ser.NoEncryption()
    pems = [
        ("keys/rsa.pem", rsa_key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.TraditionalOpenSSL, none)),
        ("keys/ec.pem", ec_key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.TraditionalOpenSSL, none)),
        ("keys/pkcs8.key", ec_key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, none)),
        ("keys/id_ed25519", ed_key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.OpenSSH, none)),
        ("keys/enc.pem", ec_key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8,
                                              ser.BestAvailableEncryption(b"pass-phrase-1"))),
    ]
    for path, pem in pems:
        t.add(path, pem.decode().rstrip("\n"), "private-key")
    pkcs8 = ec_key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, none).decode()
    sa = {"type": "service_account", "project_id": "demo-project", "private_key_id": g.r(HEX, 40)}
    t.add("config/sa.json", "{")
    t.add("config/sa.json", "  " + json.dumps("private_key") + ": " + json.dumps(pkcs8) + ",",
          "private-key")
    t.add("config/sa.json", "  " + json.dumps(sa)[1:-1])
    t.add("config/sa.json", "}")
    pgp = "\n".join(g.b64(48) for _ in range(4))
    t.add("keys/signing.asc", f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{pgp}\n=AbCd\n"
          "-----END PGP PRIVATE KEY BLOCK-----", "private-key")
    lines = "\n".join(g.b64(48) for _ in range(2))
    t.add("keys/putty.ppk", f"PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: deploy\n"
          f"Public-Lines: 2\n{lines}\nPrivate-Lines: 2\n{lines}\nPrivate-MAC: {g.r(HEX, 40)}",
          "private-key")


def jwts(t: Tree, g: Gen) -> None:
    cases = [({"alg": "none", "typ": "JWT"}, {"sub": "svc-a", "iat": 1700000000}, False),
             ({"alg": "HS256", "typ": "JWT"}, {"sub": "svc-b", "iat": 1700000000, "exp": 1700003600}, True),
             ({"alg": "RS256", "kid": "k1"}, {"sub": "svc-c", "iat": 1700000000, "exp": 1800000000}, True),
             ({"alg": "ES256"}, {"iss": "https://id.internal", "aud": "orders"}, True)]
    for i, (header, claims, signed) in enumerate(cases):
        t.add("config/tokens.yaml", f"token_{i}: {g.jwt(header, claims, signed)}", "jwt")


def urls(t: Tree, g: Gen) -> None:
    t.add("services/db.env", f"DATABASE_URL=postgres://app:{g.r(A, 18)}@db.internal:5432/app", "url")
    t.add("config/queue.yaml", f"broker: amqp://orders:{g.r(URL, 16)}@rabbitmq.prod:5672/", "url")
    t.add("src/Db.cs", f"var cs = \"Server=sql01;Database=orders;User Id=sa;Password={g.r(A, 16)};\";",
          "url")


def generic(t: Tree, g: Gen) -> None:
    def pw() -> str:
        return g.r(A, 6) + "-" + g.r(A, 10)

    t.add("compose/docker-compose.yml", "services:\n  db:\n    image: postgres:16\n    environment:")
    t.add("compose/docker-compose.yml", f"      POSTGRES_PASSWORD: \"{pw()}\"", "generic")
    t.add("compose/docker-compose.yml", f"      - REDIS_PASSWORD={pw()}", "generic")
    t.add("compose/docker-compose.yml", "      POSTGRES_USER: app\n      DB_PASSWORD: ${DB_PASSWORD}")
    t.add("k8s/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\n"
          "spec:\n  template:\n    spec:\n      containers:\n      - name: orders\n        env:")
    t.add("k8s/deploy.yaml", "        - name: DB_PASSWORD", "generic")
    t.add("k8s/deploy.yaml", f"          value: {pw()}")
    t.add("k8s/deploy.yaml", "        - name: API_TOKEN\n          valueFrom:\n            secretKeyRef:\n"
          "              name: orders\n              key: token")
    t.add(".env", f"SESSION_SECRET={pw()}", "generic")
    t.add(".env", "SMTP_PASSWORD=\nJWT_SECRET=${JWT_SECRET}")
    t.add("Dockerfile", f"FROM alpine:3.20\nENV ADMIN_PASSWORD={pw()}", None)
    t.labels[("Dockerfile", 2)] = "generic"
    t.add("Dockerfile", f"ARG NPM_AUTH_TOKEN {pw()}", "generic")
    t.add("src/settings.py", f"SECRET_KEY = \"{g.r(A, 40)}\"", "generic")
    t.add("src/settings.py", f"db_password = '{g.r(A, 14)}'", "generic")
    t.add("config/app.properties", f"spring.datasource.password={pw()}", "generic")
    t.add("config/app.json", "{")
    t.add("config/app.json", f"  \"client_secret\": \"{g.r(A, 32)}\",", "generic")
    t.add("config/app.json", "  \"client_id\": \"orders\"\n}")
    t.add("config/server.xml", f"<config><password>{pw()}</password></config>", "generic")
    t.add("helm/values.yaml", f"auth:\n  adminPassword: {pw()}", None)
    t.labels[("helm/values.yaml", 2)] = "generic"


def k8s_secrets(t: Tree, g: Gen) -> None:
    def b64(s: str) -> str:
        return base64.b64encode(s.encode()).decode()

    t.add("k8s/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\n"
          "type: Opaque\ndata:")
    t.add("k8s/secret.yaml", f"  password: {b64(g.r(A, 20))}", "k8s-secret")
    t.add("k8s/secret.yaml", f"  conn: {b64('host=db user=app')}", "k8s-secret")
    t.add("k8s/secret.yaml", f"  github: {b64(g.crc_token('ghp'))}", "vcs-ci")
    t.add("k8s/secret.yaml", "  empty: \"\"\nstringData:")
    t.add("k8s/secret.yaml", f"  api-key: {g.r(A, 32)}", "k8s-secret")
    t.add("k8s/secret.yaml", "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: sa-token\n"
          "  annotations:\n    kubernetes.io/service-account.name: orders\n"
          "type: kubernetes.io/service-account-token")
    doc = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "json-secret"},
           "data": {"token": b64(g.r(A, 24))}}
    text = json.dumps(doc, indent=2)
    for n, line in enumerate(text.splitlines()):
        t.add("k8s/secret.json", line, "k8s-secret" if "\"token\"" in line else None)
        del n


def negatives(t: Tree, g: Gen) -> None:
    """Hard negatives: none of these lines may yield a finding."""
    sealed = ("apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\n"
              "spec:\n  encryptedData:\n    password: Ag" + g.r(A + "+/", 300) + "\n"
              "    api_token: Ag" + g.r(A + "+/", 300))
    t.add("k8s/sealed.yaml", sealed)
    t.add("k8s/sops.yaml", f"password: ENC[AES256_GCM,data:{g.r(A, 20)}=,iv:{g.r(A, 43)}=,tag:"
          f"{g.r(A, 22)}==,type:str]\napi_token: ENC[AES256_GCM,data:{g.r(A, 30)},type:str]\nsops:\n"
          f"    age:\n        - recipient: age1{g.r('qpzry9x8gf2tvdw0s3jn54khce6mua7l', 58)}\n"
          f"          enc: |\n            -----BEGIN AGE ENCRYPTED FILE-----\n            {g.b64(60)}\n"
          f"            -----END AGE ENCRYPTED FILE-----\n    mac: ENC[AES256_GCM,data:{g.r(A, 60)},type:str]\n"
          f"    version: 3.8.1")
    lines = [
        "password: changeme", "API_KEY=${API_KEY}", "token: \"{{ .Values.auth.token }}\"",
        "password = \"<password>\"", "secret: xxxxxxxxxxxx", "DB_PASSWORD=your_password_here",
        "api_key = \"example-api-key-123\"", "password: \"dummy-password-1\"",
        "client_secret: \"test-client-secret-9\"", "secretName: db-credentials",
        "existingSecret: my-release-postgresql", "passwordFile: /run/secrets/db_password",
        "tokenUrl: https://id.internal/oauth/token", "password_hash = \"$2b$12$" + g.r(A, 53) + "\"",
        "checksum: " + g.r(HEX, 64), "integrity: sha512-" + g.b64(64),
        "commit_sha = \"" + g.r(HEX, 40) + "\"", "request_id = \"" + g.uuid() + "\"",
        "token: " + g.uuid(), "data = \"" + g.b64(120) + "\"",
        "STRIPE_KEY=sk_test_" + g.r(A, 34), "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "GITHUB_TOKEN=ghp_" + g.r(A, 36), "NPM_TOKEN=npm_" + g.r(A, 36),
        "jwt: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9"
        "lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "password: {{ .Values.password | b64enc }}", "PASSWORD=$(cat /run/secrets/db)",
        "\"password\": \"%s\"", "auth_token: ENC[AES256_GCM,data:abc,type:str]",
        "url: postgres://app:${DB_PASSWORD}@db:5432/app", "url: https://user:<password>@host/x",
        "ssh_key_path: ~/.ssh/id_rsa", "max_tokens: 4096", "password_min_length: 12",
        "token_ttl: 3600", "secret_version: latest", "private_key_file: /etc/tls/tls.key",
    ]
    for line in lines:
        t.add("config/negatives.yaml", line)
    code = ["password = os.environ[\"DB_PASSWORD\"]", "token = tokenizer.next_token()",
            "self.password = password", "secret = config.get(\"secret\")", "if password == \"\":",
            "api_key = get_api_key()", "password = \"hunter2\"", "for key in keys:", "pass",
            "TOKEN_URL = \"https://id.internal/token\"", "auth_header = f\"Bearer {token}\"",
            "SECRET_NAME = \"orders-db\"", "password_field = \"password\""]
    for line in code:
        t.add("src/app.py", line)
    t.add("tests/test_login.py", f"password = \"{g.r(A, 20)}\"\nAPI_TOKEN = \"{g.r(A, 32)}\"")
    t.add("docs/setup.md", "export API_TOKEN=<token>\nPGPASSWORD=<password> psql\n")
    t.add("k8s/template.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Values.name }}\n"
          "data:\n  tls.key: {{ .Values.key | b64enc | quote }}")
    t.add("config/binary.b64", g.b64(600))


def build(root: Path, seed: int = SEED) -> Labels:
    g = Gen(seed)
    t = Tree(root)
    for part in (known_formats, private_keys, jwts, urls, generic, k8s_secrets, negatives):
        part(t, g)
    t.write()
    return t.labels


if __name__ == "__main__":  # pragma: no cover
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "eval-tree")
    print(f"{len(build(out))} positives written under {out}")
