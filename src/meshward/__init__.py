"""meshward: make a microservice security guide true for a real fleet."""

__version__ = "0.1.0"
