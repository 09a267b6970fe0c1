"""Zero-trust evaluation: network segmentation (NetworkPolicy, Cilium) and the mesh (Istio, Linkerd).

Pure functions over :mod:`meshward.model` objects. :mod:`.netpol` evaluates which pods
may reach which; :mod:`.istio` and :mod:`.linkerd` compute effective mesh settings.
"""
