"""The HTTP API (FastAPI), with its OpenAPI document at ``/openapi.json``."""
