"""Alerts: rules in a query language with multilingual morphology, a compiled matcher, and
alert emails (rendering, SMTP)."""
