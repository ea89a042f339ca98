"""Python's cycle collector during a build: what the build keeps is not walked again and again.

A build holds what it read until it ends: at ten years' scale about 700,000 tracked objects (the
articles' reading, the village models, the records). Python runs a full collection whenever the
tracked objects have grown by a quarter since the last one, and every full collection walks all of
them: 17 of them were 5.5 s of a 24 s one-ledger rebuild (measured with `gc.callbacks`), each
started by whatever happened to allocate next (loading the manifest, a JSON record, a village's
months), finding almost nothing to free.

`gc.freeze()` moves every object alive at that moment out of the collector's sight until
`gc.unfreeze()`. A build freezes what it has read at the points where the read state is complete
(after the articles' reading is loaded, before the write phase forks), and unfreezes it all when
it ends, so a long-lived process (`invoke serve` builds again and again) collects each build's
leftovers when the next one starts. Garbage already made when a point is reached waits for the build to end;
those points come right after reading, which makes little.
"""

from __future__ import annotations

import contextlib
import gc

# The youngest generation's threshold during a build (Python's default is 700). A build makes
# millions of objects, most of which it keeps until it ends (pages' models, the records it loads):
# with 700 the collector ran about 1,400 times in one ten-year ledger rebuild, walking each new
# object young and again in the middle generation, 1.5-2 s of the 15 s (measured with
# gc.callbacks). Cyclic garbage waits for at most this many more allocations than deallocations:
# a few megabytes.
BUILD_YOUNGEST_THRESHOLD = 100_000


@contextlib.contextmanager
def build_heap():
    """The scope of one build: objects kept for it (`keep_until_build_ends`) are collectable again
    once it ends, also when it fails. It starts with a collection, so that in a process that builds
    again and again (`invoke serve`) the last build's reading, cyclic garbage by then, is freed
    rather than frozen with what this build keeps (in a fresh process there is little to walk).
    The collector is the process's: builds in one process run one at a time (the preview's lock)."""
    gc.collect()
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(BUILD_YOUNGEST_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def keep_until_build_ends() -> None:
    """Every object alive now lives until the build ends: leave it out of full collections. Only
    inside `build_heap` (which then has frozen objects): anywhere else nothing would unfreeze them."""
    if gc.get_freeze_count():
        gc.freeze()


@contextlib.contextmanager
def collector_paused():
    """No collections while making objects that are all kept (unpickling, loading a JSON record):
    growing by a quarter would otherwise start full collections that find nothing to free."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def frozen_for_workers():
    """Around forking workers that share this process's objects: a collection in a worker writes
    to every object it walks, copying the memory page it sits on, so shared objects are frozen
    first (and garbage collected before, not copied). Inside `build_heap` they stay frozen until
    the build ends; alone, until the workers are done."""
    gc.collect()
    alone = not gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if alone:
            gc.unfreeze()
