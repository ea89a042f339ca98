"""Shared pieces for plugins that read editors' files: positioned errors and tolerant CSV decoding.

Not a Pelican plugin itself (it has no register()); the content plugins import it.
"""

from .errors import (ContentError, DataError, collect_problems, connect_source_check, raise_collected_problems,
                     raise_if_any)

__all__ = [
    "ContentError", "DataError", "collect_problems", "connect_source_check", "raise_collected_problems", "raise_if_any",
]
