"""Löfte's services. Each is its own package and never imports another."""
