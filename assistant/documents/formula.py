"""Spreadsheet cells that Excel or WPS would run as formulas, made inert on CSV export and restored on import.

A CSV cell starting with ``= + - @``, a tab or a carriage return is evaluated when the trainer opens the export
(``=HYPERLINK(…)``, ``+cmd|…``, ``@SUM(…)``). Such a cell is written with a leading apostrophe, which spreadsheet
programs show as text; reading the CSV back removes exactly that apostrophe, so export → import returns every
cell unchanged (a cell that itself starts with apostrophes before such a character gets one more, and loses one).
XLSX needs none of this: its cells are typed as strings.
"""
from __future__ import annotations

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _needs(value: str) -> bool:
    rest = value.lstrip("'")
    return rest.startswith(DANGEROUS)


def neutralise(value: str) -> str:
    return "'" + value if value and _needs(value) else value


def restore(value: str) -> str:
    return value[1:] if value.startswith("'") and _needs(value[1:]) else value
