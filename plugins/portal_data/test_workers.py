"""Worker processes' memory: what the build has freed is given back before a pool is forked."""

import gc
import platform
import sys
import weakref

import pytest

from plugins.portal_data import workers


def resident_mib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS:"))


class Node:
    """An object in a reference cycle: only the cycle collector frees it."""

    def __init__(self):
        self.me = self


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_a_heap_freed_between_live_objects_is_given_back():
    """Freed blocks between blocks still alive stay in glibc's heap (its top cannot shrink past
    them): the process keeps that size until malloc_trim hands the free pages back."""
    blocks = [bytes(2048) for _ in range(100_000)]  # 200 MiB of malloc'd blocks, too big for pymalloc
    alive = blocks[::100]  # one in a hundred lives on, pinning the heap
    grown = resident_mib()
    del blocks
    if resident_mib() <= grown - 50:
        pytest.skip("glibc gave the heap back by itself here (swap, tunables): nothing left to trim")
    assert workers.return_freed_memory() is True
    assert resident_mib() < grown - 150
    assert len(alive) == 1000


def test_without_malloc_trim_it_only_collects(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    workers._malloc_trim.cache_clear()
    try:
        leftover = Node()
        gone = weakref.ref(leftover)
        gc.disable()
        try:
            del leftover
            assert workers.return_freed_memory() is False
            assert gone() is None
        finally:
            gc.enable()
    finally:
        workers._malloc_trim.cache_clear()


@pytest.mark.skipif(not workers.can_fork(), reason="pools are forked")
def test_a_pool_is_forked_from_a_process_that_gave_back_what_it_freed(monkeypatch):
    given_back = []
    monkeypatch.setattr(workers, "return_freed_memory", lambda: given_back.append(True))
    with workers.process_pool(2) as pool:
        assert given_back == [True]
        assert list(pool.map(abs, [-1, -2])) == [1, 2]
