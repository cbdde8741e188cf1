import pytest

from tests.feeds.loopback import LoopbackSite, serve


@pytest.fixture
def site():
    """An HTTP site on 127.0.0.1 (never any other address); pages are added with ``site.put``."""
    site = LoopbackSite()
    server = serve(site)
    yield site
    server.shutdown()
    server.server_close()


@pytest.fixture
def fast_fetching(settings):
    """No politeness delay, loopback hosts allowed, jobs written to the PostgreSQL queue (not run)."""
    settings.COMPARER_FEEDS = {**settings.COMPARER_FEEDS, "DOMAIN_INTERVAL": 0.0, "TIMEOUT": 5.0,
                               "ALLOW_PRIVATE_HOSTS": True}
    settings.COMPARER_TASK_BACKEND = "queue"
    return settings
