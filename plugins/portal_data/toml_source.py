"""Parse an editor's TOML file (sections, allow-list, registers) into a document, or one positioned error."""

from __future__ import annotations

import tomllib

from .errors import DataError
from .positions import toml_error_position


def parse_toml(text: str, shown_path: str, code: str, message: str) -> tuple[dict | None, list[DataError]]:
    """(document, []) or (None, [error at the place tomllib names]); `message` takes {problem}, tomllib's words."""
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as exc:
        return None, [DataError(shown_path, *toml_error_position(exc), code, message.format(problem=exc))]
