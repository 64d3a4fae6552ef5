"""Notebook front ends: result panels and quiz widgets (ipywidgets, with HTML fallbacks)."""
