"""``embed_multilingual``: claims stored before cross-lingual coverage get a language and a vector."""
import io

import pytest
from django.core.management import call_command

from comparer.models import Article, Claim, Event

pytestmark = pytest.mark.django_db


def test_backfills_languages_vectors_and_event_centroids(demo_corpus):
    russian = Article.objects.get(outlet__name__startswith="Sample Outlet R")
    event = russian.event
    # As rows stored by the previous version look: no language, no multilingual vectors.
    Article.objects.filter(id=russian.id).update(language="")
    Claim.objects.update(xvector=None, language="")
    Event.objects.update(xcentroid=None)

    out = io.StringIO()
    call_command("embed_multilingual", stdout=out, verbosity=0)
    assert "claims given a multilingual vector" in out.getvalue()
    russian.refresh_from_db()
    assert russian.language == "ru"
    # What analysis encodes at once: every claim not in English, English headlines and leads.
    assert not Claim.objects.filter(xvector__isnull=True).exclude(language="en").exists()
    assert not Claim.objects.filter(xvector__isnull=True, position__lte=3).exists()
    assert Claim.objects.filter(xvector__isnull=True, language="en", position__gt=3).exists()
    assert set(Claim.objects.filter(article=russian).values_list("language", flat=True)) == {"ru"}
    assert Event.objects.get(id=event.id).xcentroid is not None

    again = io.StringIO()
    call_command("embed_multilingual", stdout=again, verbosity=0)
    assert again.getvalue().startswith("embed_multilingual: 0 articles given a language, 0 claims given their "
                                       "article's language, 0 claims given a multilingual vector")
    call_command("embed_multilingual", "--all", stdout=io.StringIO(), verbosity=0)
    assert not Claim.objects.filter(xvector__isnull=True).exists()
