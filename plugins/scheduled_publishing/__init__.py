from .scheduled_publishing import register  # noqa: F401
