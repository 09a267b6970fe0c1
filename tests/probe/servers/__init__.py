"""Test servers for `meshward probe`: a JWT-verifying HTTPS service with switchable flaws,
its certificates and keys, and an nginx gateway in front of it. Run the service alone with
``python -m tests.probe.servers.app --help``.
"""
