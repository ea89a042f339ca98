"""Test isolation shared by tests/ and the plugins' own tests."""

from __future__ import annotations

import weakref

import blinker
import pytest
from pelican.plugins import signals as pelican_signals


def _receivers(signal: blinker.Signal) -> dict:
    resolved = {}
    for receiver_id, ref in list(signal.receivers.items()):
        receiver = ref() if isinstance(ref, weakref.ref) else ref
        if receiver is not None:
            resolved[receiver_id] = receiver
    return resolved


SIGNALS = [value for value in vars(pelican_signals).values() if isinstance(value, blinker.Signal)]
# What is connected before any test has loaded a plugin: Pelican's own handlers, if any.
BASELINE = {signal: set(_receivers(signal)) for signal in SIGNALS}


def _disconnect_plugins() -> None:
    for signal in SIGNALS:
        for receiver_id, receiver in _receivers(signal).items():
            if receiver_id not in BASELINE[signal]:
                signal.disconnect(receiver)


@pytest.fixture(autouse=True)
def isolated_pelican_signals():
    """Disconnect every plugin handler a test connected, when it ends.

    Pelican connects plugin handlers to process-wide signals each time it loads plugins and never
    disconnects them, so without this a fixture site built in one test would also run every plugin
    an earlier test loaded, and results would depend on test order. Session fixtures (the real
    site build) run before this fixture, so handlers are cleared before the test body too.
    """
    _disconnect_plugins()
    yield
    _disconnect_plugins()
