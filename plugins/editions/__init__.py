from .editions import register  # noqa: F401
