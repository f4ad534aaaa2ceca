"""The matcher HTTP service (FastAPI). Build it with :func:`service.app.create_app`."""
