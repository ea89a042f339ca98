from .content_checks import register  # noqa: F401
