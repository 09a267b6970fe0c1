"""Argument parsing and exit codes only; one module per command."""
