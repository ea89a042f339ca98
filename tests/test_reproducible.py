"""Two builds of the same commit, in different processes and folders, give byte-identical output.

Pelican reads source files into a set, whose order follows PYTHONHASHSEED, so each build runs in
its own process with its own seed; feeds are switched on so their dates are checked too.
"""

from __future__ import annotations

import gzip
import os
import pathlib
import subprocess
import sys

import brotli

from buildtools.precompress import gzip_bytes, precompress_changed, precompress_tree

ROOT = pathlib.Path(__file__).resolve().parent.parent

SETTINGS = """
import sys
sys.path.insert(0, {root!r})
from publishconf import *
PATH = {root!r} + "/content"
THEME = {root!r} + "/theme"
PLUGIN_PATHS = [{root!r} + "/plugins"]
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
"""


def build_in_new_process(tmp_path: pathlib.Path, name: str, seed: int) -> dict[str, bytes]:
    settings = tmp_path / "settings.py"
    settings.write_text(SETTINGS.format(root=str(ROOT)), encoding="utf-8")
    output = tmp_path / name / "output"
    subprocess.run(
        [sys.executable, "-m", "buildtools.build", "--settings", str(settings), "--output", str(output)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONHASHSEED": str(seed), "LILING_BUILD_TIME": "2030-01-01T00:00"},
    )
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def test_two_builds_of_the_same_commit_are_byte_identical(tmp_path):
    first = build_in_new_process(tmp_path, "first", 1)
    second = build_in_new_process(tmp_path, "second", 2)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    assert "feeds/all.atom.xml" in first and "index.html.gz" in first and "index.html.br" in first
    # no build clock in any page: the year of the build time given above appears nowhere, except on the
    # problem list and the disclosure index and town pages (publication deadlines), whose statuses are
    # computed for the build date and say which date that is
    dated = ("disclosures/problems/", "disclosures/towns/", "disclosures/villages/index.html")
    assert not [
        name
        for name, data in first.items()
        if name.endswith((".html", ".xml")) and b"2030" in data and not name.startswith(dated)
    ]


def test_precompressed_copies_are_the_page_and_carry_no_time_or_name(tmp_path):
    page = tmp_path / "index.html"
    page.write_text("<p>醴陵</p>" * 100, encoding="utf-8")
    precompress_tree(str(tmp_path))
    packed = (tmp_path / "index.html.gz").read_bytes()
    assert gzip.decompress(packed) == page.read_bytes()
    assert packed[4:8] == b"\0\0\0\0" and packed[3] & 0x08 == 0  # MTIME 0, no FNAME flag
    assert brotli.decompress((tmp_path / "index.html.br").read_bytes()) == page.read_bytes()
    assert gzip_bytes(page.read_bytes()) == packed


def test_copies_follow_their_page_and_disappear_with_it(tmp_path):
    page = tmp_path / "a.html"
    page.write_text("旧" * 200, encoding="utf-8")
    precompress_tree(str(tmp_path))
    assert precompress_tree(str(tmp_path)) == 0  # nothing changed, nothing rewritten
    page.write_text("新" * 200, encoding="utf-8")
    precompress_tree(str(tmp_path))
    assert gzip.decompress((tmp_path / "a.html.gz").read_bytes()) == page.read_bytes()
    page.unlink()
    precompress_tree(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_file_grown_too_small_to_compress_loses_its_copies(tmp_path):
    """A search fragment or page rewritten under MIN_BYTES: its old copies would be served instead
    (gzip_static prefers the .gz), so they go, in a changed-files pass and in a whole-tree pass."""
    for name in ("changed", "tree"):
        page = tmp_path / name / "f.json"
        page.parent.mkdir()
        page.write_text("醴陵" * 200, encoding="utf-8")
        precompress_tree(str(page.parent))
        assert (page.parent / "f.json.gz").is_file()
        page.write_text("{}", encoding="utf-8")
    assert precompress_changed(str(tmp_path / "changed"), {"f.json"}) == {"f.json.gz", "f.json.br"}
    precompress_tree(str(tmp_path / "tree"))
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["f.json", "f.json"]


def test_compressing_on_two_cores_gives_the_same_bytes_as_on_one(tmp_path):
    for folder in ("one", "two"):
        for number in range(250):
            page = tmp_path / folder / f"p{number}" / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text(f"<p>第{number}页</p>" * (20 + number % 7), encoding="utf-8")
    assert (
        precompress_tree(str(tmp_path / "one"), workers=1) == precompress_tree(str(tmp_path / "two"), workers=2) == 500
    )
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*.*")}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*.*")}
    assert one == two and len(one) == 750


def test_a_few_changed_files_compressed_in_threads_give_the_bytes_compressed_one_by_one(tmp_path):
    """A correction's few dozen files go to threads (buildtools/precompress._compress): each copy
    is the same bytes, with its source's mtime, as compressing them in one thread makes."""
    names = {f"s{number}.json" for number in range(12)}
    for folder in ("one", "two"):
        for number in range(12):
            (tmp_path / folder / f"s{number}.json").parent.mkdir(exist_ok=True)
            (tmp_path / folder / f"s{number}.json").write_text(f'{{"词{number}": [{number}]}}' * 300, encoding="utf-8")
    one = precompress_changed(str(tmp_path / "one"), names, workers=1)
    two = precompress_changed(str(tmp_path / "two"), names, workers=2)
    assert one == two == {f"{name}{suffix}" for name in names for suffix in (".gz", ".br")}
    for name in names:
        source = tmp_path / "two" / name
        assert gzip.decompress((tmp_path / "two" / f"{name}.gz").read_bytes()) == source.read_bytes()
        for suffix in (".gz", ".br"):
            copy = tmp_path / "two" / f"{name}{suffix}"
            assert copy.read_bytes() == (tmp_path / "one" / f"{name}{suffix}").read_bytes()
            assert copy.stat().st_mtime_ns == source.stat().st_mtime_ns
