"""The inventory and service graph: plain typed dataclasses."""
