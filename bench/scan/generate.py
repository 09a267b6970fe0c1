"""Generate a synthetic fleet of N services: Kubernetes manifests, compose files, Dockerfiles.

Each service looks like a real one: a Deployment with env pointing at two other services,
a Service, a ServiceAccount, a ConfigMap; every tenth service has a deliberate gap
(privileged, latest tag, literal password, NodePort). Teams of 10 services share a compose file.

    python -m bench.scan.generate OUT_DIR N
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

K8S = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels: {{app: {name}, team: {team}}}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      serviceAccountName: {name}
      securityContext: {{runAsNonRoot: true}}
      containers:
      - name: {name}
        image: {image}
        ports:
        - containerPort: {port}
        env:
        - name: UPSTREAM_A_ADDR
          value: {dep_a}:{port_a}
        - name: UPSTREAM_B_URL
          value: http://{dep_b}.{ns}.svc.cluster.local:{port_b}/api
        - name: DB_PASSWORD
          {password}
        readinessProbe:
          httpGet: {{path: /ready, port: {port}}}
        securityContext:
          privileged: {privileged}
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {{drop: [ALL]}}
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  type: {svc_type}
  selector: {{app: {name}}}
  ports:
  - port: {port}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
  namespace: {ns}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: {ns}
data:
  LOG_LEVEL: info
  CACHE_ADDR: {dep_a}:{port_a}
"""

COMPOSE_SERVICE = """\
  {name}:
    image: {image}
    ports:
      - "{bind}{port}:{port}"
    environment:
      UPSTREAM_A_ADDR: {dep_a}:{port_a}
      DB_PASSWORD: {compose_password}
    depends_on: [{dep_a}]
"""

TEAM = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: default-deny, namespace: {ns}}}
spec:
  podSelector: {{}}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: allow-team, namespace: {ns}}}
spec:
  podSelector: {{matchLabels: {{team: {ns}}}}}
  ingress:
  - from: [{{podSelector: {{matchExpressions: [{{key: app, operator: Exists}}]}}}}]
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {{name: default, namespace: {ns}}}
spec: {{mtls: {{mode: {mtls}}}}}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {{name: allow-team, namespace: {ns}}}
spec:
  rules:
  - from: [{{source: {{namespaces: [{ns}]}}}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: {first}, namespace: {ns}}}
spec:
  rules:
  - host: {first}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {{service: {{name: {first}, port: {{number: {port}}}}}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: {ns}-devs, namespace: {ns}}}
subjects: [{{kind: Group, name: {ns}-devs, apiGroup: rbac.authorization.k8s.io}}]
roleRef: {{kind: ClusterRole, name: edit, apiGroup: rbac.authorization.k8s.io}}
"""

DOCKERFILE = """\
FROM python:3.12-slim AS build
WORKDIR /src
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt \\
    && pip check
FROM python:3.12-slim
COPY --from=build /src /app
{user}
CMD ["python", "-m", "{name}"]
"""


def generate(out: Path, n: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    names = [f"svc-{i:05d}" for i in range(n)]
    ports = {name: 8000 + (i % 1000) for i, name in enumerate(names)}
    files = 0
    for team_start in range(0, n, 10):
        team = f"team-{team_start // 10:04d}"
        members = names[team_start:team_start + 10]
        ns = team
        folder = out / team
        (folder / "k8s").mkdir(parents=True, exist_ok=True)
        compose = ["services:"]
        for name in members:
            i = names.index(name) if n < 2000 else int(name[4:])
            gap = i % 10 == 0
            dep_a = members[(members.index(name) + 1) % len(members)]
            dep_b = members[(members.index(name) + 3) % len(members)]
            values = dict(
                name=name, ns=ns, team=team, replicas=rng.choice([1, 2, 3]),
                image=f"registry.example.com/{team}/{name}:{'latest' if gap else '1.' + str(i % 9)}",
                port=ports[name], dep_a=dep_a, port_a=ports[dep_a], dep_b=dep_b, port_b=ports[dep_b],
                password=("value: hunter2-" + name) if gap else
                "valueFrom: {secretKeyRef: {name: " + name + ", key: password}}",
                privileged="true" if gap else "false",
                svc_type="NodePort" if gap else "ClusterIP",
                bind="" if gap else "127.0.0.1:",
                compose_password="literal-" + name if gap else "${DB_PASSWORD}",
                user="" if gap else "USER 10001",
            )
            (folder / "k8s" / f"{name}.yaml").write_text(K8S.format(**values))
            compose.append(COMPOSE_SERVICE.format(**values))
            (folder / "images" / name).mkdir(parents=True, exist_ok=True)
            (folder / "images" / name / "Dockerfile").write_text(DOCKERFILE.format(**values))
            files += 2
        (folder / "docker-compose.yml").write_text("\n".join(compose))
        (folder / "k8s" / "team.yaml").write_text(TEAM.format(
            ns=ns, first=members[0], port=ports[members[0]],
            mtls="PERMISSIVE" if team_start % 30 == 0 else "STRICT"))
        files += 2
    return files


if __name__ == "__main__":
    print(f"wrote {generate(Path(sys.argv[1]), int(sys.argv[2]))} files")
