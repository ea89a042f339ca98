from .markdown_reader import register  # noqa: F401
