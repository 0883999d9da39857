"""Löfte's shared kernel: event contracts, settings, messaging and database helpers.

Every service depends on this package; it depends on no service.
"""
