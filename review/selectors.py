"""Reads for the assessment panel (stage 3a)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DimensionSummary:
    label: str
    average: float
    lowest: int
    highest: int


@dataclass(frozen=True)
class PanelSummary:
    """What the committee sees of the panel's work on one application."""

    dimensions: list[DimensionSummary] = field(default_factory=list)
    supporters: int = 0
    opponents: int = 0
    opinions: list = field(default_factory=list)  # submitted review.models.Opinion rows


def panel_summary(*, application) -> PanelSummary | None:
    """The panel's summary once every assigned expert has submitted; ``None`` before that."""
    return None
