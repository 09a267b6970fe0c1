payments_version = "3.1.0"
