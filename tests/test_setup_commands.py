"""What `make run` calls: the demo catalogue and the first admin."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from catalog.models import Channel, Clip, RelatedLink, Tag

pytestmark = pytest.mark.django_db


def test_demo_catalogue_loads_once_through_the_pipeline(capsys):
    call_command("load_demo")

    assert Clip.objects.count() == 36
    assert Channel.objects.count() == 5
    assert Clip.objects.tagged("ukraine").count() >= 5
    assert Tag.objects.filter(slug="außenpolitik").exists()
    # Related links by title resolved, one left open on purpose.
    assert RelatedLink.objects.exclude(target=None).count() > 30
    assert RelatedLink.objects.filter(target=None).count() == 2
    assert "36 created" in capsys.readouterr().out

    call_command("load_demo")
    assert "not loaded" in capsys.readouterr().out
    call_command("load_demo", force=True)
    assert "36 unchanged" in capsys.readouterr().out


def test_ensure_admin_creates_one_admin_with_a_one_time_password(capsys):
    call_command("ensure_admin")
    out = capsys.readouterr().out
    password = out.split("one-time password: ")[1].split()[0]
    user = get_user_model().objects.get()
    assert user.is_superuser
    assert user.check_password(password)

    call_command("ensure_admin")
    out = capsys.readouterr().out
    assert "changepassword admin" in out
    assert get_user_model().objects.count() == 1
