"""Shared pieces, one module per idea. For plugins that read editors' files: positioned errors
(errors), dates (dates), codes in web addresses (codes), positions in a file (positions), front
matter (front_matter), whole numbers (numbers), Excel's CSV files (csv_source), spreadsheet formulas
(formulas), which files a build reads (content_files), per-file results (file_cache), editors' TOML
files (toml_source), a plugin's settings (plugin_settings), what the CSV registers share (csv_register), whether a register is sample data
(registers_file), writing a page (page_generator). For the build too: atomic writing (atomic),
digests (digests), the tree walk (tree), worker processes (workers) and the source checks run in
one while Pelican reads (source_checks).

Not a Pelican plugin itself (it has no register()); the content plugins import it.
"""

# The build tools import the modules of this package that need no Pelican (atomic, digests, tree) in a
# rebuild with nothing changed, which never imports Pelican: errors (which connects Pelican signals) is
# imported when one of its names is first used.
__all__ = [
    "ContentError",
    "DataError",
    "collect_problems",
    "connect_source_check",
    "raise_collected_problems",
    "raise_if_any",
]


def __getattr__(name: str):
    if name in __all__:
        from . import errors

        return getattr(errors, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
