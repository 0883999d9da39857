"""The partner simulator: plays the Lund organisations' systems for demos and load.

It reports through the same public ingest API as a real partner system would.
"""
