"""Correction history (更正记录) of the editors' disclosure files, read from the repository's git history.

git_log.py reads and caches the history, corrections.py turns it into page models; the village
disclosure generator uses both for ledger months, and this plugin's generator
(power_list_history.py) gives the power list's matter pages theirs.
"""

from .plugin import register  # noqa: F401
