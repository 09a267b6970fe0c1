"""Alertmanager shapes: the webhook receiver payload (``version: 4``) for any HTTP endpoint
(``http://`` or ``webhook+http://``), or a POST of alerts to Alertmanager's own
``/api/v2/alerts`` (``alertmanager+http://``)."""

from __future__ import annotations

from typing import Any

from meshward.findings.finding import Finding
from meshward.watch.sinks.http import HttpSink
from meshward.watch.sinks.interface import extra, now_iso

ZERO_TIME = "0001-01-01T00:00:00Z"


def am_alert(f: Finding) -> dict[str, Any]:
    labels = {"alertname": f.rule_id, "severity": f.severity.value, "mode": f.mode.value,
              "practices": ",".join(f.practices)}
    for name, value in (("service", f.service or ""), ("owner", extra(f, "owner"))):
        if value:
            labels[name] = value
    annotations = {"summary": f.title, "description": f.message, "remediation": f.remediation,
                   "evidence": f.evidence, "location": str(f.location), "identity": f.identity,
                   "source": f.source}
    return {"labels": labels, "annotations": {k: v for k, v in annotations.items() if v},
            "startsAt": extra(f, "time") or now_iso(), "generatorURL": "", "fingerprint": f.fingerprint}


class WebhookSink(HttpSink):
    def body(self, finding: Finding) -> Any:
        alert = {"status": "firing", **am_alert(finding), "endsAt": ZERO_TIME}
        labels = alert["labels"]
        return {"version": "4", "groupKey": f"{{}}:{{alertname=\"{finding.rule_id}\"}}",
                "truncatedAlerts": 0, "status": "firing", "receiver": "meshward",
                "groupLabels": {"alertname": finding.rule_id}, "commonLabels": labels,
                "commonAnnotations": alert["annotations"], "externalURL": "", "alerts": [alert]}


class AlertmanagerSink(HttpSink):
    default_path = "/api/v2/alerts"

    def body(self, finding: Finding) -> Any:
        alert = am_alert(finding)
        alert.pop("fingerprint")
        return [alert]
