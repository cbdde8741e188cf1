"""Curation fixtures: a curator (staff, in the "curator" group the curation migration creates)
and a superuser, plus handles on the demo corpus's events."""
import pytest


@pytest.fixture
def curator(db, django_user_model, user_groups):
    user = django_user_model.objects.create_user(username="curator", password="pw-curator-1", is_staff=True)
    user.groups.add(user_groups["curator"])
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser(username="root", password="pw-root-1")


@pytest.fixture
def demo_events(demo_corpus):
    """The demo's three stories as events: exchange, strikes, dnipro."""
    from comparer.models import Event

    def one(title_fragment):
        return Event.objects.filter(articles__title__icontains=title_fragment).distinct().get()

    return {"exchange": one("fails to show up"), "strikes": one("massive strike"),
            "dnipro": one("Dnipropetrovsk")}
