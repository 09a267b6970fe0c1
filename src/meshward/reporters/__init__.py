"""One module per output format; each returns text, the CLI decides where it goes."""
