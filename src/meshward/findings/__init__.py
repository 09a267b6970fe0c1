"""One Finding type for audit, verify, fix and watch."""
