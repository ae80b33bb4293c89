"""``titles.choices.ChoiceLabels`` and ``{% pk_url %}``: the same output as Django's own
``get_FOO_display()`` and ``{% url %}``, computed once per field and per URL name; and
``titles.db.joins_as_written``, which must not outlive its block."""

import pytest
from django.db import models
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from applications.enums import ApplicationState, Category
from applications.models import Application
from committee.models import AgendaItem
from review.models import Assignment
from titles.templatetags.urls import pk_url


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("field_name", ["state", "category", "level"])
def test_choice_labels_match_djangos_own_for_every_choice(language, field_name):
    field = Application._meta.get_field(field_name)
    with translation.override(language):
        for value, _label in field.flatchoices:
            application = Application(**{field_name: value})
            ours = getattr(application, f"get_{field_name}_display")()
            assert ours == models.Model._get_FIELD_display(application, field)
            assert isinstance(ours, str)


def test_choice_labels_follow_the_active_language_after_first_use():
    application = Application(state=ApplicationState.BUREAU_REVIEW, category=Category.HIGH_LEVEL)
    with translation.override("en"):
        english = application.get_state_display()
    with translation.override("zh-hans"):
        chinese = application.get_state_display()
    assert english == "Bureau review"
    assert chinese == "北京市人力资源和社会保障局审核"


def test_choice_labels_show_an_unknown_value_as_it_is():
    assert Application(state="no_such_state").get_state_display() == "no_such_state"
    assert Application(category="").get_category_display() == ""


@pytest.mark.parametrize(
    ("name", "pk"),
    [
        ("applications:detail", 1),
        ("applications:detail", 1234567),
        ("review:opinion", 42),
        ("review:assignments", 7),
        ("bureau:objection_create", 987654320),
        ("committee:item", 3),
    ],
)
def test_pk_url_is_reverse(name, pk):
    assert pk_url(name, pk) == reverse(name, args=[pk])
    assert pk_url(name, str(pk)) == reverse(name, args=[pk])


def test_pk_url_keeps_the_script_prefix():
    set_script_prefix("/titles/")
    try:
        assert pk_url("applications:detail", 5) == "/titles/applications/5/"
        assert reverse("applications:detail", args=[5]) == "/titles/applications/5/"
    finally:
        set_script_prefix("/")
    assert pk_url("applications:detail", 5) == "/applications/5/"


def test_pk_url_refuses_a_name_without_one_key():
    with pytest.raises(NoReverseMatch):
        pk_url("dashboard", 5)


def test_pk_url_in_a_template():
    rendered = Template(
        "{% load urls %}<a href=\"{% pk_url 'applications:detail' application.pk %}\">"
    ).render(Context({"application": Application(pk=12)}))
    assert rendered == '<a href="/applications/12/">'


def test_models_shown_in_lists_take_the_fast_labels():
    from titles.choices import ChoiceLabels

    for model in (Application, AgendaItem, Assignment):
        assert issubclass(model, ChoiceLabels)


def _join_collapse_limit() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_joins_as_written_holds_only_inside_the_block():
    from titles.db import joins_as_written

    default = _join_collapse_limit()
    assert default == "8"
    with joins_as_written():
        assert _join_collapse_limit() == "1"
    assert _join_collapse_limit() == default


@pytest.mark.django_db
def test_joins_as_written_after_a_failed_query_leaves_nothing_behind():
    from django.db import DatabaseError, connection, transaction

    from titles.db import joins_as_written

    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        joins_as_written(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT 1 / 0")
    assert _join_collapse_limit() == "8"
