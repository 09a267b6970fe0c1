"""One module per output format; each returns text, the CLI decides where it goes.

Use :func:`get_reporter` to turn an :class:`OutputFormat` into a :class:`Reporter`.
"""

from meshward.reporters.interface import OutputFormat, Report, Reporter
from meshward.reporters.select import format_names, get_reporter

__all__ = ["OutputFormat", "Report", "Reporter", "format_names", "get_reporter"]
