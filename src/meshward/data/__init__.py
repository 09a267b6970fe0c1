"""Data shipped with meshward (dated tables)."""
