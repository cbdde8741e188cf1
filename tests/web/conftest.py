"""Synthetic events for the web tests: rows written directly, no pipeline, so presentation tests
do not depend on how the analysis currently clusters or labels the demo fixtures."""
from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta, timezone

import pytest
from django.utils.text import slugify

from comparer.models import EMBEDDING_DIM, Article, Claim, ClaimCluster, ClaimRelation, Event, Outlet
from comparer.web.page_cache import CACHE_ALIAS

START = datetime(2025, 6, 7, 16, 40, tzinfo=timezone.utc)


def _vector(rng: random.Random) -> list[float]:
    values = [rng.gauss(0, 1) for _ in range(EMBEDDING_DIM)]
    norm = sum(v * v for v in values) ** 0.5
    return [v / norm for v in values]


class EventBuilder:
    """Builds one event: ``outlet()``, ``article()``, ``claim()``, ``relate()``; ``finish()`` sets counters."""

    def __init__(self, title: str, seed: int = 1):
        self.rng = random.Random(seed)
        self.event = Event.objects.create(title=title, first_seen=START, last_seen=START)
        self.clusters: dict[str, ClaimCluster] = {}

    def outlet(self, name: str, country: str = "") -> Outlet:
        slug = slugify(name) or f"outlet-{self.rng.randrange(10**6)}"
        return Outlet.objects.get_or_create(name=name, defaults={"slug": slug, "country": country})[0]

    def article(self, outlet: Outlet, title: str, text: str, hours: float = 0, copy_of: Article | None = None,
                url: str | None = "") -> Article:
        published = START + timedelta(hours=hours)
        url = f"https://{outlet.slug}.example/{self.rng.randrange(10**9)}" if url == "" else url
        article = Article.objects.create(
            outlet=outlet, title=title, text=text, published_at=published, url=url, event=self.event,
            content_hash=hashlib.sha256(f"{title}{text}{published}{outlet.id}".encode()).hexdigest(),
            syndicated_copy_of=copy_of, analysis_status=Article.AnalysisStatus.DONE)
        Claim.objects.create(article=article, event=self.event, position=0, char_start=0, char_end=len(title),
                             text=title, text_hash=hashlib.sha256(title.encode()).hexdigest(), is_headline=True,
                             embedding=_vector(self.rng))
        return article

    def claim(self, article: Article, sentence: str, cluster: str | None = None, speaker: str = "",
              channel: str = "", numbers: list | None = None) -> Claim:
        start = article.text.index(sentence)
        cluster_row = None
        if cluster:
            cluster_row = self.clusters.get(cluster)
            if cluster_row is None:
                cluster_row = self.clusters[cluster] = ClaimCluster.objects.create(
                    event=self.event, label=sentence, position=len(self.clusters))
        return Claim.objects.create(
            article=article, event=self.event, cluster=cluster_row, position=article.claims.count(),
            char_start=start, char_end=start + len(sentence), text=sentence,
            text_hash=hashlib.sha256(sentence.encode()).hexdigest(), speaker=speaker, channel=channel,
            numbers=numbers or [], embedding=_vector(self.rng))

    def relate(self, one: Claim, other: Claim, label: str, reason: str = "model", score: float = 0.9,
               details: dict | None = None) -> ClaimRelation:
        first, second = (one, other) if one.id < other.id else (other, one)
        if details and first is not one:  # details' "a" describes the first claim of the stored pair
            details = {**details, "a": details["b"], "b": details["a"]}
        return ClaimRelation.objects.create(event=self.event, claim_a=first, claim_b=second, label=label,
                                            reason=reason, score=score, details=details or {})

    def finish(self) -> Event:
        event = self.event
        dates = [a.published_at for a in event.articles.all() if a.published_at]
        event.first_seen, event.last_seen = (min(dates), max(dates)) if dates else (None, None)
        event.outlet_count = Outlet.objects.filter(articles__event=event).distinct().count()
        event.claim_count = Claim.objects.filter(event=event).count()
        event.agree_count = ClaimRelation.objects.filter(event=event, label="agree").count()
        event.contradict_count = ClaimRelation.objects.filter(event=event, label="contradict").count()
        event.save()
        return event


@pytest.fixture(autouse=True)
def private_page_cache(settings, tmp_path):
    """Event pages cached by these tests go to a temporary directory, not the developer's var/cache."""
    settings.CACHES = {**settings.CACHES, CACHE_ALIAS: {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path / "event-pages")}}


@pytest.fixture
def event_builder(db):
    return EventBuilder


@pytest.fixture
def casualty_event(db):
    """Three outlets; Moscow and Kyiv disagree on a figure; a wire copy republishes Kyiv's report."""
    builder = EventBuilder("Strike on military industry")
    moscow = builder.outlet("Outlet Moscow", "Russia")
    kyiv = builder.outlet("Outlet Kyiv", "Ukraine")
    wire = builder.outlet("Outlet Wire", "International")
    m_text = ("The ministry said Russian forces destroyed 39 armored vehicles, TASS reported.\n\n"
              "The strike hit military industry sites.")
    k_text = ("Ukraine lost 12 armored vehicles in the same period, the General Staff said.\n\n"
              "The strike hit military industry sites.")
    m_article = builder.article(moscow, "Massive strike on Ukrainian industry", m_text, hours=0)
    k_article = builder.article(kyiv, "Kyiv disputes Moscow's figures", k_text, hours=5)
    w_article = builder.article(wire, "Kyiv disputes Moscow's figures (wire)", k_text, hours=6, copy_of=k_article)
    m_claim = builder.claim(m_article, "The ministry said Russian forces destroyed 39 armored vehicles, TASS reported.",
                            "vehicles", speaker="the ministry", channel="TASS",
                            numbers=[{"value": 39, "text": "39 armored vehicles", "unit": "armored vehicles"}])
    k_claim = builder.claim(k_article, "Ukraine lost 12 armored vehicles in the same period, the General Staff said.",
                            "vehicles-kyiv", speaker="the General Staff",
                            numbers=[{"value": 12, "text": "12 armored vehicles", "unit": "armored vehicles"}])
    w_claim = builder.claim(w_article, "Ukraine lost 12 armored vehicles in the same period, the General Staff said.",
                            "vehicles-kyiv", speaker="the General Staff")
    m_sites = builder.claim(m_article, "The strike hit military industry sites.", "sites")
    k_sites = builder.claim(k_article, "The strike hit military industry sites.", "sites")
    w_sites = builder.claim(w_article, "The strike hit military industry sites.", "sites")
    mismatch = builder.relate(m_claim, k_claim, "contradict", "numeric_mismatch", 0.92, {
        "a": {"value": 39, "text": "39 armored vehicles"}, "b": {"value": 12, "text": "12 armored vehicles"},
        "unit": "armored vehicles"})
    builder.relate(m_sites, k_sites, "agree", score=0.97)
    event = builder.finish()
    return {"event": event, "moscow": moscow, "kyiv": kyiv, "wire": wire, "m_claim": m_claim, "k_claim": k_claim,
            "w_claim": w_claim, "m_sites": m_sites, "k_sites": k_sites, "w_sites": w_sites, "mismatch": mismatch,
            "k_article": k_article, "w_article": w_article, "m_article": m_article}


@pytest.fixture
def exchange_event(demo_corpus):
    return Event.objects.filter(articles__title__icontains="fails to show up").distinct().get()


SEED_CLAIM_START = "Ukraine did not show up at the agreed-upon location"
