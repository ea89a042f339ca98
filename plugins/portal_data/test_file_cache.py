"""The per-file result cache: reused only for the same bytes and inputs, never an error when broken."""

from __future__ import annotations

import os
import pickle

import pytest

from plugins.portal_data import digests, file_cache
from plugins.portal_data.file_cache import FileCache


@pytest.fixture
def counted():
    calls = []

    def compute(data: bytes):
        calls.append(data)
        return data.decode().upper()

    compute.calls = calls
    return compute


def settings(tmp_path, **extra):
    return {"CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, **extra}


def run(tmp_path, path, compute, inputs="v1", **extra):
    cache = FileCache.for_settings(settings(tmp_path, **extra), "test", file_cache)
    value = cache.get(str(path), path.name, inputs, compute)
    cache.save()
    return value


@pytest.fixture(params=[0, digests.SETTLED_NS], ids=["stat-trusted", "always-digested"])
def settle(request, monkeypatch):
    """Both ways a result is found again: by the quick stat check and by the digest of the bytes."""
    monkeypatch.setattr(digests, "SETTLED_NS", request.param)


def test_unchanged_file_is_not_recomputed_and_an_edit_is(tmp_path, counted, settle):
    path = tmp_path / "a.md"
    path.write_text("one")
    assert run(tmp_path, path, counted) == "ONE"
    assert run(tmp_path, path, counted) == "ONE"
    assert len(counted.calls) == 1
    path.write_text("two")  # same size: only the stat (or the digest) tells
    assert run(tmp_path, path, counted) == "TWO"
    assert counted.calls == [b"one", b"two"]


def test_other_inputs_are_part_of_the_key(tmp_path, counted, settle):
    path = tmp_path / "a.md"
    path.write_text("one")
    run(tmp_path, path, counted, inputs=("accounts", "digest-1"))
    run(tmp_path, path, counted, inputs=("accounts", "digest-2"))
    run(tmp_path, path, counted, inputs=("accounts", "digest-2"))
    assert len(counted.calls) == 2


def test_a_file_edited_just_after_it_was_read_is_read_again(tmp_path, counted):
    """Same size and, on a coarse clock, the same mtime: a fresh file's stat is never trusted."""
    path = tmp_path / "a.md"
    path.write_text("one")
    run(tmp_path, path, counted)
    stat = os.stat(path)
    path.write_text("two")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # mtime put back, as a fast editor might leave it
    assert run(tmp_path, path, counted) == "TWO"


def test_a_corrupt_or_foreign_cache_is_ignored_and_rewritten(tmp_path, counted):
    path = tmp_path / "a.md"
    path.write_text("one")
    run(tmp_path, path, counted)
    stored = tmp_path / "cache" / file_cache.FOLDER / "test.pickle"
    for junk in (b"", b"not a pickle", pickle.dumps(["a", "list"]), pickle.dumps({"format": 99})):
        stored.write_bytes(junk)
        assert run(tmp_path, path, counted) == "ONE"
        assert pickle.loads(stored.read_bytes())["format"] == file_cache.FORMAT
    assert len(counted.calls) == 5


def test_a_code_change_discards_every_result(tmp_path, counted, monkeypatch):
    path = tmp_path / "a.md"
    path.write_text("one")
    run(tmp_path, path, counted)
    monkeypatch.setattr(file_cache, "code_digest", lambda *modules: "other code")
    run(tmp_path, path, counted)
    assert len(counted.calls) == 2


def test_off_without_pelicans_content_cache(tmp_path, counted):
    path = tmp_path / "a.md"
    path.write_text("one")
    for _ in range(2):
        run(tmp_path, path, counted, CACHE_CONTENT=False)
    assert len(counted.calls) == 2
    assert not (tmp_path / "cache").exists()


def test_results_of_deleted_files_are_dropped(tmp_path, counted):
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text("one")
    second.write_text("two")
    cache = FileCache.for_settings(settings(tmp_path), "test", file_cache)
    for path in (first, second):
        cache.get(str(path), path.name, None, counted)
    cache.save()
    cache = FileCache.for_settings(settings(tmp_path), "test", file_cache)
    cache.get(str(first), first.name, None, counted)
    cache.save()
    stored = pickle.loads((tmp_path / "cache" / file_cache.FOLDER / "test.pickle").read_bytes())
    assert list(stored["entries"]) == [(str(first), "a.md")]


def test_as_text_reads_like_open_in_text_mode(tmp_path):
    path = tmp_path / "a.md"
    data = "标题\r\n正文\r末行\n\xff".encode()[:-2] + b"\xff"
    path.write_bytes(data)
    with open(path, encoding="utf-8", errors="replace") as handle:
        assert file_cache.as_text(data) == handle.read()


def test_source_names_the_bytes_inputs_and_code_a_result_was_computed_from(tmp_path, counted, settle):
    path = tmp_path / "a.md"
    path.write_text("one")

    def source(inputs="v1", **extra) -> str | None:
        cache = FileCache.for_settings(settings(tmp_path, **extra), "test", file_cache)
        cache.get(str(path), path.name, inputs, counted)
        cache.save()
        return cache.source(str(path), path.name)

    first = source()
    assert first and source() == first  # found again by stat or digest: the same source
    assert source(inputs="v2") not in (None, first)
    path.write_text("two")
    assert source() not in (None, first)
    assert source(CACHE_CONTENT=False) is None  # no cache: nothing names the result but itself
    assert FileCache.for_settings(settings(tmp_path), "test", file_cache).source(str(path), path.name) is None
