"""Rule modules. Each module-level :class:`meshward.checks.registry.Rule` is registered.

Id ranges by family:
MW1xx workload privilege, MW2xx exposure, MW3xx images/builds/rollouts,
MW4xx plaintext and literal secrets, MW5xx segmentation, MW6xx mesh,
MW7xx edge and gateway, MW8xx RBAC and grants, MW9xx secrets engine and
secret managers, MW95x catalog and drift, MW97x logging.
"""
