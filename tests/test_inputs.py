"""The content digest behind the nothing-changed shortcut (buildtools/inputs.py)."""

from __future__ import annotations

import datetime as dt
import os
import pathlib

from buildtools.inputs import InputState, digest_content, within_window

OLD = 1_500_000_000  # times far in the past, so the racy-clean rule does not force a re-read


def settle(root: pathlib.Path) -> None:
    for path in root.rglob("*"):
        os.utime(path, (OLD, OLD), follow_symlinks=False)


def test_a_file_behind_a_linked_folder_is_part_of_the_key(tmp_path):
    """Pelican follows folder links when it reads content, so the digest must too."""
    shared = tmp_path / "shared-media"
    shared.mkdir()
    (shared / "photo.txt").write_text("旧照片", encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    (content / "images").symlink_to(shared, target_is_directory=True)
    settle(shared)
    first = digest_content(str(content), InputState())
    assert "images/photo.txt" in first.files
    (shared / "photo.txt").write_text("新照片", encoding="utf-8")
    second = digest_content(str(content), InputState(first.key, first.files, first.taken_ns))
    assert second.key != first.key


def test_an_unreadable_file_never_matches_and_does_not_crash(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "gone.md").symlink_to(tmp_path / "nowhere.md")  # a dangling link
    first = digest_content(str(content), InputState())
    second = digest_content(str(content), InputState(first.key, first.files, first.taken_ns))
    assert first.key != second.key  # the build runs and Pelican says what is wrong


def test_a_digest_is_reused_only_for_a_settled_file_with_the_same_stat(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text("甲", encoding="utf-8")
    settle(content)
    first = digest_content(str(content), InputState())
    # As if those digests had been taken three seconds later: the file was settled by then.
    later = InputState(first.key, first.files, first.taken_ns + 3_000_000_000)
    again = digest_content(str(content), later)
    assert (again.key, again.digested) == (first.key, 0)
    (content / "a.md").write_text("乙", encoding="utf-8")  # same size in UTF-8
    os.utime(content / "a.md", (OLD, OLD))  # mtime set back; the inode change time is not
    changed = digest_content(str(content), later)
    assert changed.key != first.key and changed.digested == 1


def test_the_publishing_window():
    shanghai = dt.timezone(dt.timedelta(hours=8))
    state = InputState(
        facts={
            "build_time": "2030-06-01T08:00:00+08:00",
            "scheduled": [{"date": "2030-06-01T09:00:00+08:00"}, {"date": "2030-07-01T00:00:00+08:00"}],
        }
    )
    assert within_window(state, dt.datetime(2030, 6, 1, 8, 59, tzinfo=shanghai))
    assert not within_window(state, dt.datetime(2030, 6, 1, 9, 0, tzinfo=shanghai))  # an article is due
    assert not within_window(state, dt.datetime(2030, 6, 1, 7, 0, tzinfo=shanghai))  # the clock went back
    assert within_window(InputState(facts={}), None)  # no scheduled publishing: time is no input
