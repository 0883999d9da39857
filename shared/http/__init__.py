"""HTTP conventions shared by the services' APIs."""
