"""`meshward probe`: verify running endpoints against the guide (findings in Mode.VERIFY).

targets (file) -> safety (allowlist, budget, rate) -> checks (forge, transport, edge)
-> runner -> findings.
"""
