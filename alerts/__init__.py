"""Alerts (keyword rules, email delivery) arrive with issue 4."""
