"""The metrics service's rules. Pure: no I/O, no clock; the evaluation time is passed in."""
