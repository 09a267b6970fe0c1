"""Generators from the service graph (the *fix* side of meshward).

Each module turns a :class:`~meshward.checks.context.ScanContext` into objects or text:
:mod:`.netpol` (Kubernetes NetworkPolicies), :mod:`.istio`, :mod:`.linkerd`,
:mod:`.compose_override`, :mod:`.backstage` (catalog-info.yaml), :mod:`.inventory_md`
(a Markdown service inventory) and :mod:`.diff` (the ``--dry-run`` view). The CLI decides
where the text goes.
"""
