"""The application lifecycle drawn from the code: django-fsm-2's ``graph_transitions`` graph.

``lifecycle_dot()`` is the Graphviz source that ``manage.py graph_transitions`` would print for
``Application.state``; ``lifecycle_mermaid()`` turns its edges into the Mermaid state diagram
shown in the README (GitHub draws Mermaid, not Graphviz). A test keeps the README current.
"""

import re
from pathlib import Path

from django.utils import translation

from applications.enums import ApplicationState
from applications.models import Application

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- lifecycle:start -->", "<!-- lifecycle:end -->"
_EDGE = re.compile(r'"?[\w.]+\.state\.(\w+)"?\s*->\s*"?[\w.]+\.state\.(\w+)"?\s*\[label=(\w+)\]')


def lifecycle_dot() -> str:
    from django_fsm.management.commands.graph_transitions import (  # noqa: PLC0415 — slow import
        generate_dot,
        one_fsm_fields_data,
    )

    with translation.override("en"):
        return generate_dot([one_fsm_fields_data(Application, "state")]).source


def lifecycle_edges() -> list[tuple[str, str, str]]:
    """(source, target, transition) of every edge of the graph, in the lifecycle's order."""
    order = {state: index for index, state in enumerate(ApplicationState.values)}
    edges = {match.groups() for match in _EDGE.finditer(lifecycle_dot())}
    return sorted(edges, key=lambda e: (order[e[0]], order[e[1]], e[2]))


def lifecycle_mermaid() -> str:
    lines = ["stateDiagram-v2", f"    [*] --> {ApplicationState.DRAFT.value}"]
    lines += [f"    {source} --> {target}: {name}" for source, target, name in lifecycle_edges()]
    finals = set(ApplicationState.values) - {source for source, _, _ in lifecycle_edges()}
    lines += [f"    {state} --> [*]" for state in ApplicationState.values if state in finals]
    return "\n".join(lines)


def readme_block() -> str:
    return f"{START}\n```mermaid\n{lifecycle_mermaid()}\n```\n{END}"


def readme_update(path: Path = README) -> bool:
    """Write the current diagram into the README between the markers; True if it changed."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(START), text.index(END) + len(END)
    updated = text[:start] + readme_block() + text[end:]
    if updated != text:
        path.write_text(updated, encoding="utf-8")
    return updated != text
