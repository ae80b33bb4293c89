import pytest
from django.core.management import call_command

from titles.enums import Role
from titles.models import User


@pytest.mark.django_db
def test_seed_demo_twice_makes_one_user_per_role(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out
    assert "password for all: demo-pass-2026" in first
    assert first.count(" created") == 7
    assert second.count(" exists") == 7
    assert User.objects.count() == 7
    for role in Role:
        assert User.objects.filter(groups__name=role.value).count() == 1
    assert User.objects.get(username="applicant").check_password("demo-pass-2026")
