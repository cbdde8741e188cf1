"""Curators curate but never delete articles or outlets; only superusers delete; researchers never reach admin."""
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.urls import reverse

from comparer.models import Article, Outlet

pytestmark = pytest.mark.django_db


def test_groups_come_with_their_permissions(user_groups):
    curator = set(Group.objects.get(name="curator").permissions.values_list("codename", flat=True))
    assert {"change_event", "change_claimrelation", "change_relationreview", "view_curationdecision",
            "revert_curationdecision", "change_article", "change_outlet"} <= curator
    assert not [c for c in curator if c.startswith("delete_")]
    researcher = set(Group.objects.get(name="researcher").permissions.values_list("codename", flat=True))
    assert "view_event" in researcher and not [c for c in researcher if not c.startswith("view_")]


def test_researchers_cannot_reach_admin(researcher_client, demo_corpus):
    for url in [reverse("admin:index"), reverse("admin:comparer_event_changelist"),
                reverse("admin:curation_relationreview_changelist")]:
        response = researcher_client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_curator_reaches_admin_but_cannot_delete_articles_or_outlets(curator_client, demo_corpus):
    article = Article.objects.first()
    outlet = Outlet.objects.first()
    assert curator_client.get(reverse("admin:index")).status_code == 200
    assert curator_client.get(reverse("admin:comparer_article_change", args=[article.pk])).status_code == 200
    assert curator_client.get(reverse("admin:comparer_article_delete", args=[article.pk])).status_code == 403
    assert curator_client.post(reverse("admin:comparer_outlet_delete", args=[outlet.pk]),
                               {"post": "yes"}).status_code == 403
    changelist = curator_client.get(reverse("admin:comparer_article_changelist"))
    assert "delete_selected" not in dict(changelist.context["action_form"].fields["action"].choices)
    curator_client.post(reverse("admin:comparer_article_changelist"),
                        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [article.pk], "post": "yes"})
    assert Article.objects.filter(pk=article.pk).exists() and Outlet.objects.filter(pk=outlet.pk).exists()


def test_staff_outside_the_curator_group_cannot_curate(client, django_user_model, demo_corpus):
    staff = django_user_model.objects.create_user(username="intern", password="pw-intern-1", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:comparer_event_changelist")).status_code == 403
    assert client.post(reverse("admin:curation_relationreview_decide", args=[1]),
                       {"decision": "agree"}).status_code in (403, 404)


def test_only_superusers_delete(client, superuser, demo_corpus):
    client.force_login(superuser)
    article = Article.objects.filter(syndicated_copies__isnull=True).first()
    response = client.post(reverse("admin:comparer_article_delete", args=[article.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


def test_audit_trail_cannot_be_edited_or_deleted_even_by_superusers(client, superuser, curator, demo_events):
    from comparer import services
    from comparer.curation.models import CurationDecision

    services.event_mark_reviewed(event=demo_events["strikes"], by=curator)
    decision = CurationDecision.objects.get()
    client.force_login(superuser)
    assert client.get(reverse("admin:curation_curationdecision_delete", args=[decision.pk])).status_code == 403
    client.post(reverse("admin:curation_curationdecision_change", args=[decision.pk]), {"summary": "rewritten"})
    decision.refresh_from_db()
    assert decision.summary != "rewritten"
