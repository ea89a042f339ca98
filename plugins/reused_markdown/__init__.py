from .reused_markdown import register  # noqa: F401
