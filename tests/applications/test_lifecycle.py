from applications.enums import ApplicationState
from applications.lifecycle import README, lifecycle_dot, lifecycle_edges, readme_block


def test_the_readme_shows_the_lifecycle_of_the_code():
    assert readme_block() in README.read_text(encoding="utf-8"), (
        "README.md's lifecycle diagram is out of date: run "
        "`python manage.py lifecycle_diagram --readme`"
    )


def test_the_graph_is_django_fsms_and_covers_every_state():
    assert lifecycle_dot().startswith("digraph {")
    edges = lifecycle_edges()
    states = {source for source, _, _ in edges} | {target for _, target, _ in edges}
    assert states == set(ApplicationState.values)
    assert ("committee_review", "bureau_review", "committee_approve") in edges
    assert ("public_notice", "certifying", "pass_public_notice") in edges
    assert len(edges) == 31
