"""Watch fixtures: synthetic events built row by row (tests.web.conftest.EventBuilder), two
researchers, and a helper that adds a contradiction the way the relate stage stores one."""
from __future__ import annotations

import pytest

from comparer.web.page_cache import CACHE_ALIAS
from tests.web.conftest import EventBuilder


@pytest.fixture(autouse=True)
def private_page_cache(settings, tmp_path):
    """Event pages rendered by these tests are cached in a temporary directory, not var/cache."""
    settings.CACHES = {**settings.CACHES, CACHE_ALIAS: {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path / "event-pages")}}


@pytest.fixture
def other_researcher(db, django_user_model):
    return django_user_model.objects.create_user(username="other", password="pw-other-1", email="other@example.org")


@pytest.fixture
def watcher(researcher):
    researcher.email = "researcher@example.org"
    researcher.save(update_fields=["email"])
    return researcher


class Story:
    """One event with two outlets that already contradict each other once (known before any watch)."""

    def __init__(self, title: str = "Prisoner exchange fails", seed: int = 3):
        self.builder = EventBuilder(title, seed=seed)
        self.moscow = self.builder.outlet("Outlet Moscow", "Russia")
        self.kyiv = self.builder.outlet("Outlet Kyiv", "Ukraine")
        m_text = ("Ukraine did not show up for the exchange on Saturday.\n\n"
                  "Russia said 6,000 bodies were waiting at the agreed location.")
        k_text = ("The exchange was postponed until next week, Kyiv said.\n\n"
                  "Kyiv said only 1,212 bodies were at the agreed location.")
        self.m_article = self.builder.article(self.moscow, "Ukraine fails to show up for exchange", m_text)
        self.k_article = self.builder.article(self.kyiv, "Kyiv says exchange postponed", k_text, hours=3)
        self.no_show = self.builder.claim(self.m_article, "Ukraine did not show up for the exchange on Saturday.", "fate")
        self.postponed = self.builder.claim(self.k_article, "The exchange was postponed until next week, Kyiv said.",
                                            "fate-kyiv")
        self.m_bodies = self.builder.claim(self.m_article, "Russia said 6,000 bodies were waiting at the agreed location.",
                                           "bodies")
        self.k_bodies = self.builder.claim(self.k_article, "Kyiv said only 1,212 bodies were at the agreed location.",
                                           "bodies")
        self.old = self.builder.relate(self.no_show, self.postponed, "contradict", "antonym", 0.9)
        self.event = self.builder.finish()

    def figure_mismatch(self):
        return self.builder.relate(self.m_bodies, self.k_bodies, "contradict", "numeric_mismatch", 0.9, {
            "a": {"value": 6000, "text": "6,000 bodies"}, "b": {"value": 1212, "text": "1,212 bodies"}})

    def new_outlet(self, name: str = "Outlet Warsaw <b>&</b>", sentence: str = "Kyiv's team was at the location."):
        outlet = self.builder.outlet(name, "Poland")
        article = self.builder.article(outlet, "Kyiv team was there", sentence, hours=8)
        claim = self.builder.claim(article, sentence, "fate")
        self.builder.finish()
        return outlet, claim


@pytest.fixture
def story(db):
    return Story()
