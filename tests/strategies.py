"""Shared hypothesis strategies for the test-suite (one place, as STYLE.md asks)."""

from __future__ import annotations
