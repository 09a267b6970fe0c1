"""Where alerts go: one module per sink; :func:`open_sink` picks one by URL scheme."""
