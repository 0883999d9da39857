"""Benchmarks of Löfte: each measures the product against a baseline run in the same process
tree at the same moment, so that the ratio means something on a noisy machine.

Run them with `make bench` (or `python -m bench --help`); `--quick` is the smoke run that
`make test` does, which checks that every benchmark still works and asserts no timing.
"""
