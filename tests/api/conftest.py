"""API fixtures: partner accounts with tokens, and clients that use them."""
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fresh_throttle_buckets():
    """Rate-limit counters live in the cache; each test starts with empty buckets."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _submit_permission():
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from comparer.models import Article

    # A transactional test earlier in this process (schemathesis, the worker tests; in any order under
    # pytest-xdist) may have flushed the tables, permissions and content types included.
    ContentType.objects.clear_cache()
    permission, _ = Permission.objects.get_or_create(
        codename="add_article", content_type=ContentType.objects.get_for_model(Article),
        defaults={"name": "Can add article"})
    return permission


def _account(django_user_model, username: str, can_submit: bool):
    user = django_user_model.objects.create_user(username=username, password=f"pw-{username}-1")
    if can_submit:
        user.user_permissions.add(_submit_permission())
    return user, Token.objects.create(user=user)


@pytest.fixture
def partner(db, django_user_model):
    """A newsroom partner that may read and submit articles."""
    return _account(django_user_model, "partner-newsroom", can_submit=True)


@pytest.fixture
def reader(db, django_user_model):
    """A research partner with a read-only token."""
    return _account(django_user_model, "partner-research", can_submit=False)


@pytest.fixture
def api(partner):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {partner[1].key}")
    return client


@pytest.fixture
def reader_api(reader):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {reader[1].key}")
    return client


@pytest.fixture
def anonymous_api():
    return APIClient()


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The one error shape: {"error": {status, code, message, fields}} as JSON."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == status and error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error


@pytest.fixture
def demo_corpus(demo_corpus):
    """The shared demo corpus, with fresh planner statistics.

    The test database's tables go from empty to filled inside one transaction, so PostgreSQL's
    statistics still describe them as empty; with those, the planner may join the relation list's
    two claim → article → outlet chains as a cross product and take minutes. Real databases are
    analysed by autovacuum; the tests do it by hand.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comparer_outlet, comparer_article, comparer_claim, comparer_claimrelation, "
                       "comparer_event, comparer_claimcluster")
    return demo_corpus
