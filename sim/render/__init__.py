"""Renderers: terminal tables and plots. They read results; they never solve."""
