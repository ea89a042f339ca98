"""Shared pieces: positioned errors and tolerant CSV decoding for the plugins that read editors'
files, and the build's one version of atomic writing, digests, the tree walk and worker processes
(atomic.py, digests.py, tree.py, workers.py), which the build tools import too.

Not a Pelican plugin itself (it has no register()); the content plugins import it.
"""

from .errors import ContentError, DataError, collect_problems, raise_collected_problems, raise_if_any

__all__ = [
    "ContentError", "DataError", "collect_problems", "raise_collected_problems", "raise_if_any",
]
