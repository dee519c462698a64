"""The anke service: vendors submit, inspectors triage and sign, banks track their IT.

Layout: ``config`` (settings from the environment), ``db`` (SQLAlchemy models, sessions,
Alembic migrations), ``protect`` (data keys and encrypted blobs), ``audit`` (the
hash-chained log), ``access`` (who may do what, decided in one place), ``jobs`` (the
inspection queue and its worker), ``api`` (the FastAPI application) and ``web`` (pages).
"""
