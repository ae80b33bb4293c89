"""The parts of the pages the portal composes from the stages (the application page, the
dashboard): each stage hands its part over as a :class:`Section`."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """A stage's part of a page: its template, and that template's context (``section`` in the
    application page's sections, ``panel.context`` in a dashboard panel)."""

    template: str
    context: dict
