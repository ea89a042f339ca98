from .guard import register  # noqa: F401
