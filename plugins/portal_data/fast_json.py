"""JSON for the build's own large records, through orjson (a C library, ten times json's speed).

At ten years a rebuild writes the sync's manifest (250,000 entries), the render keys and the file
groups, and patches the search index's postings of every character on a changed page: json's
encoder took about a second of every one-change rebuild. The bytes are JSON as json.dumps writes
them with `separators=(",", ":")` and `ensure_ascii=False` (orjson's only form). A value orjson
refuses (text with a lone surrogate, from a file name that is not UTF-8; a key that is not text) is
written by json instead, with such text escaped, and read back by json: never an error of its own.
(Integers must fit in 64 bits, as every size and nanosecond mtime here does: orjson reads a larger
one as a float.)
"""

from __future__ import annotations

import json

import orjson


def dumps(value, sort_keys: bool = False) -> bytes:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else 0)
    except orjson.JSONEncodeError:
        return json.dumps(value, separators=(",", ":"), sort_keys=sort_keys).encode("ascii")


def loads(data: bytes | str):
    """json.loads: a ValueError for anything that is not JSON."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:  # perhaps JSON orjson does not take (an escaped lone surrogate)
        return json.loads(data)
