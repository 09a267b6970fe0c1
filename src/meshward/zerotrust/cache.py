"""Moved to :mod:`meshward.cache`; kept so existing imports keep working."""

from meshward.cache import once

__all__ = ["once"]
