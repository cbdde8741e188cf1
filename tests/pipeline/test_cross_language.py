"""Russian, Ukrainian and English reports of one happening line up: one event, shared claim
clusters, and relations across languages decided by figures only (the NLI model reads English)."""
from datetime import datetime, timezone

import pytest

from comparer.models import Article, Claim, ClaimCluster, ClaimRelation, Event

pytestmark = pytest.mark.django_db


def test_russian_and_ukrainian_samples_join_the_english_exchange_event(demo_corpus):
    russian = Article.objects.get(outlet__name__startswith="Sample Outlet R")
    ukrainian = Article.objects.get(outlet__name__startswith="Sample Outlet U")
    english = Article.objects.get(outlet__name__startswith="Sample Outlet C", title__icontains="exchange")
    assert (russian.language, ukrainian.language, english.language) == ("ru", "uk", "en")
    assert russian.event_id == ukrainian.event_id == english.event_id
    exchange = russian.event
    assert set(exchange.articles.values_list("language", flat=True)) == {"en", "ru", "uk"}
    assert Event.objects.count() == 3, "the two new articles open no event of their own"
    assert set(Claim.objects.filter(article=russian).values_list("language", flat=True)) == {"ru"}
    assert Claim.objects.filter(event=exchange, xvector__isnull=True).count() == 0

    # Claims line up across languages: the Russian "waiting at the agreed location" sentence shares
    # a claim cluster with the English one that says the same.
    waiting_ru = Claim.objects.get(article=russian, text__startswith="Российская сторона ждала")
    waiting_en = Claim.objects.get(article=english, text__startswith="The Russian side was waiting")
    assert waiting_ru.cluster_id is not None and waiting_ru.cluster_id == waiting_en.cluster_id
    mixed = [c for c in ClaimCluster.objects.filter(event=exchange)
             if len(set(c.claims.values_list("language", flat=True))) > 1]
    assert len(mixed) >= 3

    # Across languages only figures decide: the same 1,212 bodies in Russian and Ukrainian agree.
    crossing = [r for r in ClaimRelation.objects.filter(event=exchange).select_related("claim_a", "claim_b")
                if r.claim_a.language != r.claim_b.language]
    assert crossing, "the Russian and Ukrainian figures are judged"
    assert {r.reason for r in crossing} <= {"same_figure", "numeric_mismatch"}, "no NLI guess across languages"
    same = next(r for r in crossing if r.reason == "same_figure")
    assert same.label == "agree" and same.details["cross_language"] is True
    assert sorted(same.details["languages"]) == ["ru", "uk"]
    assert same.details["a"]["value"] == same.details["b"]["value"] == 1212


def test_a_russian_report_of_another_happening_opens_its_own_event(demo_corpus):
    from comparer.pipeline.ingest import ArticleInput, OutletInput, ingest_article
    from comparer.pipeline.run import analyze

    article, _ = ingest_article(ArticleInput(
        outlet=OutletInput(name="Sample Outlet H (sport)", language="ru", is_sample=True),
        title="Футбольный матч в Казани отменили из-за урагана",
        text=("Матч чемпионата России по футболу в Казани в субботу отменили из-за сильного урагана.\n\n"
              "Организаторы сообщили, что билеты можно будет вернуть в кассах стадиона до конца месяца.\n\n"
              "Новая дата игры будет объявлена после того, как синоптики отменят штормовое предупреждение."),
        published_at=datetime(2025, 6, 7, 18, 0, tzinfo=timezone.utc)))
    analyze()
    article.refresh_from_db()
    assert article.language == "ru"
    assert article.event_id is not None
    assert list(article.event.articles.values_list("id", flat=True)) == [article.id]


def test_an_english_only_corpus_encodes_no_multilingual_vectors_until_another_language_arrives(db):
    """English-only analysis skips the multilingual model; the first Russian report then gives the
    English events of its window their multilingual centroid and still joins the exchange event."""
    from pathlib import Path

    from comparer.pipeline.ingest import ingest_paths
    from comparer.pipeline.run import analyze

    demo = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
    english = sorted(p for p in demo.glob("0*.json"))
    assert len(english) == 8
    assert not ingest_paths(english).errors
    analyze()
    assert not Claim.objects.filter(xvector__isnull=False).exists()
    assert not Event.objects.filter(xcentroid__isnull=False).exists()

    assert not ingest_paths([demo / "10_exchange-no-show-moscow-ru.json"]).errors
    analyze()
    russian = Article.objects.get(language="ru")
    english_exchange = Article.objects.get(outlet__name__startswith="Sample Outlet C", title__icontains="exchange")
    assert russian.event_id == english_exchange.event_id
    assert Event.objects.filter(xcentroid__isnull=True).count() == 0, "every English event in the window has one"
    # Only leads were encoded for the English events, and no English claim past them.
    assert not Claim.objects.filter(language="en", position__gt=3, xvector__isnull=False).exclude(
        event=russian.event).exists()
