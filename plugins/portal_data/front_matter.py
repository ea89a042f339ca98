"""Find where a metadata key sits in a Markdown file, so errors about it can name the line."""

from __future__ import annotations


def metadata_line(path: str, key: str) -> int:
    """1-based line of `Key:` in the front matter of `path`; 1 when the key is absent."""
    wanted = key.lower()
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    break  # the front matter ends at the first blank line
                name, sep, _ = line.partition(":")
                if sep and name.strip().lower() == wanted:
                    return number
    except (OSError, UnicodeDecodeError):
        pass
    return 1
