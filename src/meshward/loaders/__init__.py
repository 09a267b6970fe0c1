"""Loaders: one module per format, each turning text into the model."""
