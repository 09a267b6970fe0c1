"""One parser per log format; :mod:`.detect` recognises the format of each line by content."""
