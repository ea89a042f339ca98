"""The collector during a build: what a build freezes is collectable again when it ends."""

import gc
import weakref

import pytest

from plugins.portal_data.collector import (
    BUILD_YOUNGEST_THRESHOLD,
    build_heap,
    collector_paused,
    frozen_for_workers,
    keep_until_build_ends,
)


class Node:
    """An object in a reference cycle: only the cycle collector frees it."""

    def __init__(self):
        self.me = self


@pytest.fixture(autouse=True)
def nothing_frozen():
    gc.unfreeze()
    yield
    assert gc.get_freeze_count() == 0, "a test left objects frozen"
    assert gc.isenabled()


def test_a_build_freezes_what_is_kept_and_unfreezes_it_all_when_it_ends_even_failing():
    # Watched through weak references, not by counting: the freeze count also falls whenever any
    # frozen object elsewhere is freed by reference counting (a suite's earlier tests leave some).
    kept, watched = [], []
    with pytest.raises(RuntimeError), build_heap():
        assert gc.get_freeze_count() > 0
        kept.extend(Node() for _ in range(100))
        watched.extend(weakref.ref(node) for node in kept)
        keep_until_build_ends()
        kept.clear()  # garbage now, but frozen: a full collection does not look at it
        gc.collect()
        assert all(ref() is not None for ref in watched)
        raise RuntimeError("a refused build")
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert all(ref() is None for ref in watched)  # the build's leftovers are freed after it (invoke serve builds again)


def test_keeping_outside_a_build_freezes_nothing():
    keep_until_build_ends()
    assert gc.get_freeze_count() == 0


def test_workers_alone_unfreeze_after_them_but_inside_a_build_leave_it_to_the_build():
    with frozen_for_workers():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    with build_heap():
        with frozen_for_workers():
            pass
        assert gc.get_freeze_count() > 0  # still the build's
    assert gc.get_freeze_count() == 0


def test_a_pause_restores_the_collector_as_it_found_it():
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            pass
        assert not gc.isenabled()  # an inner pause does not switch it back on early
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # one that was off stays off
    finally:
        gc.enable()


def test_a_build_frees_the_last_builds_garbage_instead_of_freezing_it():
    """invoke serve builds again and again in one process: the last build's reading, cyclic
    garbage once it ended, is collected when the next build starts, not frozen with its reading."""
    import weakref

    leftover = Node()
    gone = weakref.ref(leftover)
    gc.disable()  # as if no collection had happened between the two builds
    try:
        del leftover
        assert gone() is not None
        with build_heap():
            assert gone() is None
    finally:
        gc.enable()


def test_a_build_collects_less_often_and_puts_the_thresholds_back_even_failing():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), build_heap():
        assert gc.get_threshold() == (BUILD_YOUNGEST_THRESHOLD, *before[1:])
        raise RuntimeError("a refused build")
    assert gc.get_threshold() == before


def test_a_build_still_frees_cyclic_garbage_as_it_goes():
    """Less often is not never: a build that makes garbage in cycles all along (pages rendered,
    thrown away) does not hold it all until it ends."""
    import weakref

    with build_heap():
        first = Node()
        gone = weakref.ref(first)
        del first
        for _ in range(3 * BUILD_YOUNGEST_THRESHOLD):
            Node()
        assert gone() is None
