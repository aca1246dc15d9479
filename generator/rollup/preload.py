"""Imported by the roll-up's fork server only (`work.PRELOAD`): what every city's process would
otherwise do for itself first. The working calendar reads the `holidays` library's China tables (a
third of a second, once per process)."""
from __future__ import annotations

from ..calendar import library_confirmed_years

library_confirmed_years()
