"""Filled by issue 3."""

__all__: list[str] = []
