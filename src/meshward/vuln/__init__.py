"""Known vulnerabilities (SUP-VULN), offline.

Reads scanner reports (Trivy, Grype), SBOMs (CycloneDX, SPDX) and an OSV database export,
and joins what they say to the services of an inventory. The entry point is
:func:`meshward.vuln.join.vulnerability_findings`.
"""
