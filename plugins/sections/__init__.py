from .sections import register  # noqa: F401
