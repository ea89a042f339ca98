"""Shared pieces for plugins that read editors' files: positioned errors and tolerant CSV decoding.

Not a Pelican plugin itself (it has no register()); the content plugins import it.
"""

from .errors import ContentError, DataError, raise_if_any

__all__ = ["ContentError", "DataError", "raise_if_any"]
