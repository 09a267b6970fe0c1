"""Analyses that enrich the context before rules run (e.g. segmentation marks graph edges).

Every module here with an ``analyze(ctx: ScanContext) -> None`` function is run, in
module-name order, after the graph is built and before any rule.
"""
