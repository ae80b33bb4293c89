"""The labels the lists show on every row read as Django's ``get_FOO_display()`` does (issue #26:
one lookup instead of hashing every choice)."""

import pytest
from django.utils import translation

from applications.enums import ApplicationState, Category, TitleLevel
from applications.models import Application


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_label_is_the_fields_display_in_the_readers_language(language):
    cases = [
        *(("state", value) for value in ApplicationState.values),
        *(("category", value) for value in Category.values),
        *(("level", value) for value in TitleLevel.values),
        ("state", "no_such_state"),
        ("category", ""),
        ("level", ""),
    ]
    with translation.override(language):
        for field, value in cases:
            application = Application(**{field: value})
            label = getattr(application, f"{field}_label")
            display = getattr(application, f"get_{field}_display")()
            assert (field, value, str(label)) == (field, value, str(display))
    with translation.override("zh-hans"):
        assert str(Application(state=ApplicationState.DRAFT).state_label) == "草稿"
    with translation.override("en"):
        assert str(Application(state=ApplicationState.DRAFT).state_label) == "Draft"
