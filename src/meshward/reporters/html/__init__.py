"""The HTML report: the fleet's graph, the guide's scorecard and the findings in one page.

One self-contained file: the vendored Cytoscape.js (vendor/, MIT, licence beside it), the
page's own script and styles, and the data are inlined; nothing is fetched at view time.
"""
