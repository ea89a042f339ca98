from .incremental_writer import register  # noqa: F401
