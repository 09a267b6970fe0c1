"""Rules over the model (audit), probes (verify), generators (fix), detectors (watch)."""
