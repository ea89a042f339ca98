"""Shared pieces, one module per idea. For plugins that read editors' files: positioned errors
(errors), dates (dates), codes in web addresses (codes), positions in a file (positions), front
matter (front_matter), whole numbers (numbers), Excel's CSV files (csv_source), spreadsheet formulas
(formulas), which files a build reads (content_files), per-file results (file_cache), editors' TOML
files (toml_source), what the CSV registers share (csv_register), whether a register is sample data
(registers_file), writing a page (page_generator). For the build too: atomic writing (atomic),
digests (digests), the tree walk (tree) and worker processes (workers).

Not a Pelican plugin itself (it has no register()); the content plugins import it.
"""

from .errors import (
    ContentError,
    DataError,
    collect_problems,
    connect_source_check,
    raise_collected_problems,
    raise_if_any,
)

__all__ = [
    "ContentError",
    "DataError",
    "collect_problems",
    "connect_source_check",
    "raise_collected_problems",
    "raise_if_any",
]
