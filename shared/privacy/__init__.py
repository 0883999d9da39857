"""Keeping personal data out: Löfte counts, it never needs to know who."""
