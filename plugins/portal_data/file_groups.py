"""File groups: the pages and downloads of one model (a village) written together, kept together.

A generator wraps the writes of one model's files in `file_group`; with the incremental writer
(plugins/incremental_writer) the whole group is kept without a render key per file when its inputs,
its templates and what they read of the context are the last clean build's. With Pelican's own
writer the body always runs.

    with file_group(writer, self, "disclosures/villages/3001", inputs) as kept:
        if not kept:
            ...write the village's pages and files...

Two promises from the caller:
- `inputs` holds every value the group's files show that is not in the shared context: what the
  generator passes each page and derives each file from. The audit (`invoke build --audit`,
  every test build) reports a file whose key changed while its group's did not.
- every file of the group lies in `folder`, at least three levels down (so in one worker's share:
  the other workers skip the group without a look). Work the folder out from the same URL
  settings the files' paths come from; the writer records no group with a file outside it.

`generator_group` is the same idea for a generator's whole output, wherever its files lie: each
worker keeps or writes its own share of them (the articles generator's, buildtools/parallel_output).
"""

from __future__ import annotations

import contextlib


@contextlib.contextmanager
def file_group(writer, generator, folder: str, inputs):
    with _group(writer, "begin_group", "end_group", generator, folder, inputs) as kept:
        yield kept


@contextlib.contextmanager
def generator_group(writer, generator, name: str, inputs, covered: frozenset[int], provided, splice=None):
    """A generator's whole output in this worker's share as one group (the writer's
    begin_generator_group says what the arguments promise); with Pelican's own writer, or
    without render keys, the body always runs."""
    with _group(
        writer, "begin_generator_group", "end_generator_group", generator, name, inputs, covered, provided, splice
    ) as kept:
        yield kept


@contextlib.contextmanager
def _group(writer, begin_name: str, end_name: str, *arguments):
    """True when the writer keeps the group; else the body runs, and the writer's end method is
    told whether it completed. A writer without groups (Pelican's own) always runs the body."""
    begin = getattr(writer, begin_name, None)
    if begin is None:
        yield False
        return
    if begin(*arguments):
        yield True
        return
    completed = False
    try:
        yield False
        completed = True
    finally:
        getattr(writer, end_name)(completed)
