"""fast_json: the build's records as json would write them, and what orjson refuses still written."""

import json

import pytest

from plugins.portal_data import fast_json


@pytest.mark.parametrize(
    "value",
    [
        {"b": [1, 2.5, 0.125], "a": {"醴陵": None, "x": True}},
        [3, -7, 1e-05, 1796326869368400835],  # an mtime in nanoseconds
        {"news/\udce9.md": [1, 2, "d"]},  # a file name that is not UTF-8 (surrogateescape)
        {1: "a key that is not text"},
    ],
)
def test_what_is_written_reads_back_as_json_reads_it(value):
    data = fast_json.dumps(value, sort_keys=True)
    assert fast_json.loads(data) == json.loads(data) == json.loads(json.dumps(value, sort_keys=True))


def test_the_bytes_are_jsons_compact_utf8_form():
    value = {"b": [1, 2.5], "a": "醴陵市"}
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    assert fast_json.dumps(value, sort_keys=True) == expected


def test_what_is_not_json_is_a_value_error():
    with pytest.raises(ValueError):
        fast_json.loads(b"{not json")
