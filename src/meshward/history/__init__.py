"""Findings over time: a run's findings by fingerprint (SQLite), and what changed between runs."""
