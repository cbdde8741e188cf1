"""Shared fixtures. The embedding model loads once per test session (``embed.get_encoder`` is cached)."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEED = FIXTURES / "000_ad8522ef294dd132.txt"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture
def demo_corpus(db):
    """The seed page and the demo sample articles, ingested and analysed."""
    from comparer.pipeline.ingest import ingest_paths
    from comparer.pipeline.run import analyze

    report = ingest_paths([FIXTURES])
    assert not report.errors, report.errors
    analyze()
    return report


@pytest.fixture
def researcher(db, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username="researcher", password="pw-researcher-1")
    user.groups.add(Group.objects.get_or_create(name="researcher")[0])
    return user


@pytest.fixture
def researcher_client(client, researcher):
    client.force_login(researcher)
    return client
