"""Correction history (更正记录) of the editors' disclosure files, read from the repository's git history.

A library, not a Pelican plugin (it has no register()): the village disclosure and power list
generators ask it for the history of their folders and show it on their pages.
"""
