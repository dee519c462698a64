"""The job queue in the database and the worker that runs inspections from it."""
