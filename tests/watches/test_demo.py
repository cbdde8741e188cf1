"""`make demo`: the demo user watches the exchange event; ingesting fixtures-later/ afterwards puts an
entry in the feed."""
import feedparser
import pytest
from django.core.management import call_command
from django.urls import reverse

from comparer.pipeline.ingest import ingest_paths
from comparer.pipeline.run import analyze
from comparer.watches import services
from comparer.watches.models import Watch
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


def test_the_demo_user_hears_about_the_held_back_fixture(demo_corpus, client, django_user_model, capsys):
    call_command("demo_setup")
    assert "demo watch: Ukraine fails to show up" in capsys.readouterr().out
    call_command("demo_setup")  # run again: still one watch
    demo = django_user_model.objects.get(username="demo")
    [watch] = Watch.objects.filter(user=demo)
    assert "fails to show up" in watch.event.title

    assert not ingest_paths([ROOT / "fixtures-later"]).errors
    analyze()
    token = services.watch_settings_of(user=demo).feed_token
    feed = feedparser.parse(client.get(reverse("watches:feed", args=[token])).content)
    assert "Sample Outlet F (Warsaw) now reports on “%s”" % watch.event.title in [e.title for e in feed.entries]
