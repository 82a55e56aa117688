"""Professional secrecy and personal data: huis clos, the access log, retention, a person's data."""
