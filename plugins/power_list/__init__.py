from .power_list import register  # noqa: F401
