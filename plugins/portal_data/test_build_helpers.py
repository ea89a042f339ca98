"""The build's one version of each file helper: atomic writing, digests and their trust rule, the walk."""

from __future__ import annotations

import os

import pytest

from plugins.portal_data import atomic, digests
from plugins.portal_data.atomic import replacing, temporary_name, write_atomically, write_json_atomically
from plugins.portal_data.tree import tree_files


def test_temporary_names_are_unique_and_beside_the_file(tmp_path):
    path = str(tmp_path / "index.html")
    names = {temporary_name(path) for _ in range(1000)}
    assert len(names) == 1000
    assert {os.path.dirname(name) for name in names} == {str(tmp_path)}
    assert all(os.path.basename(name).startswith(".index.html.") and name.endswith(".tmp") for name in names)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "report.json"
    path.write_bytes(b"old")

    def refuse(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(str(path), b"new")
    assert path.read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["report.json"]


def test_an_exception_inside_replacing_removes_what_the_block_made(tmp_path):
    path = tmp_path / "live"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with replacing(str(path)) as temporary:
            os.symlink("release-2", temporary)
            raise RuntimeError("killed")
    assert path.read_text() == "old" and sorted(os.listdir(tmp_path)) == ["live"]


def test_a_hard_linked_copy_keeps_its_bytes_and_mtime_is_set(tmp_path):
    path, live = tmp_path / "page.html", tmp_path / "live.html"
    path.write_bytes(b"published")
    os.link(path, live)
    write_atomically(str(path), "更正后", mtime_ns=1_000_000_000)
    assert live.read_bytes() == b"published"
    assert path.read_text(encoding="utf-8") == "更正后" and os.stat(path).st_mtime_ns == 1_000_000_000
    write_json_atomically(str(path), {"b": "醴陵", "a": 1}, sort_keys=True)
    assert path.read_text(encoding="utf-8") == '{"a":1,"b":"醴陵"}'  # compact UTF-8 (fast_json)


def test_a_digest_is_trusted_only_when_the_file_was_settled_before_it_was_taken(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"x")
    stat = os.stat(path)
    written = max(stat.st_mtime_ns, stat.st_ctime_ns)
    assert not digests.settled(stat, written + digests.SETTLED_NS)  # same tick as the write: racy
    assert digests.settled(stat, written + digests.SETTLED_NS + 1)
    assert digests.stat_key(stat) == [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
    assert digests.file_digest(str(path)) == digests.bytes_digest(b"x") != digests.bytes_digest(b"y")


def test_the_walk_is_in_os_walk_order_and_skips_what_it_is_told(tmp_path):
    for name in ["b/z.txt", "b/a.txt", "a.txt", ".hidden/x.txt", "c/.x", "search-index/i.txt", "c/d/e.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    os.symlink(tmp_path / "b", tmp_path / "link")
    expected = []
    for folder, dirs, files in os.walk(tmp_path):
        dirs.sort()
        expected += [os.path.relpath(os.path.join(folder, n), tmp_path) for n in sorted(files)]
    walked = [relative for relative, _ in tree_files(str(tmp_path))]
    assert walked == expected
    assert [r for r, _ in tree_files(str(tmp_path), skip_hidden=True, skip_folders={"search-index"})] == [
        "a.txt",
        "b/a.txt",
        "b/z.txt",
        "c/d/e.txt",
    ]
    assert "link/a.txt" in [r for r, _ in tree_files(str(tmp_path), follow_links=True)]
