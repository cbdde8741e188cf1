"""Shared fixtures. The embedding model loads once per test session (``embed.get_encoder`` is cached)."""
from pathlib import Path

import os
import shutil

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
def user_groups(db):
    """The "curator" and "researcher" groups as the curation data migration makes them (transactional
    tests flush tables, so the migration's rows cannot be relied on)."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    migration = importlib.import_module("comparer.curation.migrations.0002_curator_and_researcher_groups")
    migration.create_groups(apps, None)
    return {group.name: group for group in Group.objects.filter(name__in=["curator", "researcher"])}


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


CHROMIUM = os.environ.get("COMPARER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium per test session, shared by every browser test
    (Playwright's sync API allows only one running instance per thread)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make browsers` or apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
