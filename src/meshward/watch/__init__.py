"""The watch way: read logs and events, map them onto the service graph, raise alerts.

logs/ parses one format per module (recognised by content), identity.py maps addresses
and identities onto services, detectors/ holds one module per detection (MWW01-MWW29),
sinks/ delivers alerts, archive.py keeps a tamper-evident copy of every line read.
"""
