"""``embed_multilingual``: claims stored before cross-lingual coverage get a language and a vector."""
import io

import pytest
from django.core.management import call_command

from comparer.models import Article, Claim, Event

pytestmark = pytest.mark.django_db


def test_backfills_languages_vectors_and_event_centroids(demo_corpus):
    russian = Article.objects.get(outlet__name__startswith="Sample Outlet F")
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
    assert not Claim.objects.filter(xvector__isnull=True).exists()
    assert set(Claim.objects.filter(article=russian).values_list("language", flat=True)) == {"ru"}
    assert Event.objects.get(id=event.id).xcentroid is not None

    again = io.StringIO()
    call_command("embed_multilingual", stdout=again, verbosity=0)
    assert again.getvalue().startswith("embed_multilingual: 0 articles given a language, 0 claims given their "
                                       "article's language, 0 claims given a multilingual vector")
