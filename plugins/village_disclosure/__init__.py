from .village_disclosure import register  # noqa: F401
