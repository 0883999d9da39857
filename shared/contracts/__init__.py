"""The contracts partner systems, services and dashboards depend on.

Names here (event types, topics, attributes) are public: change them only by adding.
"""
