"""Registers the power list's 更正记录 generator (the village ledgers read their history themselves)."""

from pelican import signals

from .power_list_history import PowerListHistoryGenerator


def get_generators(pelican_object):
    return PowerListHistoryGenerator


def register():
    signals.get_generators.connect(get_generators)
