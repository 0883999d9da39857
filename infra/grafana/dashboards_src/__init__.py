"""Löfte's Grafana dashboards as code, rendered by infra/grafana/generate.py."""
