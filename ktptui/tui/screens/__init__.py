"""Screens and modals of the TUI, each with its ``.tcss`` beside it."""
