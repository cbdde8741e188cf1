"""The admin: each curation action through HTTP, the review queue, the preview, audit and revert."""
import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse

from comparer import services
from comparer.curation.models import CurationChange, CurationDecision
from comparer.models import Article, Claim, ClaimCluster, ClaimRelation, Event, Outlet

pytestmark = pytest.mark.django_db


def run_action(client, model, action, objects, **extra):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return client.post(url, {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra})


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_merge_action_asks_then_merges(curator_client, demo_events):
    strikes, dnipro = demo_events["strikes"], demo_events["dnipro"]
    page = run_action(curator_client, Event, "merge_events", [strikes, dnipro])
    assert page.status_code == 200
    assert b"Merge 2 events" in page.content and dnipro.title.encode() in page.content
    assert Event.objects.filter(id=dnipro.id).exists(), "nothing happens before the curator confirms"

    done = run_action(curator_client, Event, "merge_events", [strikes, dnipro], confirm_merge="1",
                      into=str(dnipro.id), title="One story", note="same offensive")
    assert done.status_code == 302
    assert not Event.objects.filter(id=strikes.id).exists()
    assert Event.objects.get(id=dnipro.id).title == "One story"
    assert CurationDecision.objects.get(action="event_merge").note == "same offensive"


def test_split_mark_reviewed_and_syndication_actions(curator_client, demo_events):
    exchange = demo_events["exchange"]
    kyiv = exchange.articles.get(outlet__name__startswith="Sample Outlet A")
    run_action(curator_client, Article, "split_into_new_event", [kyiv])
    kyiv.refresh_from_db()
    assert kyiv.event_id != exchange.id and kyiv.event_locked

    run_action(curator_client, Event, "mark_reviewed", [exchange])
    assert Event.objects.get(id=exchange.id).reviewed

    wire = Article.objects.get(outlet__name__startswith="Sample Outlet B")
    moscow = exchange.articles.get(outlet__name__startswith="Sample Outlet C")
    run_action(curator_client, Article, "mark_copies_of_earliest", [wire, moscow])
    wire.refresh_from_db()
    assert wire.syndicated_copy_of_id == moscow.id and wire.syndication_locked  # Moscow published first

    mixed = run_action(curator_client, Article, "split_into_new_event",
                       [wire, demo_events["strikes"].articles.first()])
    assert any("one event" in m for m in messages_of(mixed))


def test_cluster_and_claim_actions(curator_client, demo_events):
    first, second = ClaimCluster.objects.filter(event=demo_events["exchange"]).order_by("position")[:2]
    run_action(curator_client, ClaimCluster, "merge_clusters", [first, second])
    assert not ClaimCluster.objects.filter(id=second.id).exists()

    claims = list(first.claims.order_by("id")[:2])
    run_action(curator_client, Claim, "split_into_new_cluster", claims)
    assert Claim.objects.get(id=claims[0].id).cluster_id != first.id

    other = ClaimCluster.objects.filter(event=demo_events["exchange"]).exclude(id=first.id).first()
    claim = first.claims.first()
    url = reverse("admin:comparer_claim_change", args=[claim.pk])
    curator_client.post(url, {"cluster": other.pk})
    claim.refresh_from_db()
    assert claim.cluster_id == other.id and claim.cluster_locked

    foreign = ClaimCluster.objects.filter(event=demo_events["strikes"]).first()
    refused = curator_client.post(url, {"cluster": foreign.pk}, follow=True)
    assert any("Nothing was saved" in m for m in messages_of(refused))
    claim.refresh_from_db()
    assert claim.cluster_id == other.id


def test_review_queue_puts_contradictions_first_and_decides_in_one_click(curator_client, demo_events):
    changelist = reverse("admin:curation_relationreview_changelist")
    page = curator_client.get(changelist)
    assert page.status_code == 200
    queue = list(page.context["cl"].result_list)
    labels = [r.label for r in queue]
    assert labels[0] == "contradict"
    # Contradictions first: once another label appears, no contradiction follows it.
    assert labels == sorted(labels, key=lambda label: label != "contradict")
    low = [r for r in queue if r.label != "contradict"]
    assert [r.score for r in low if r.score < 0.6] == sorted(r.score for r in low if r.score < 0.6)

    target = queue[0]
    decide = reverse("admin:curation_relationreview_decide", args=[target.pk])
    curator_client.post(decide, {"decision": "unrelated", f"note-{target.pk}": "different events"},
                        HTTP_REFERER="http://testserver" + changelist)
    target.refresh_from_db()
    assert (target.label, target.set_by, target.locked, target.note) == \
        ("unrelated", "curator", True, "different events")
    assert target.pk not in [r.pk for r in curator_client.get(changelist).context["cl"].result_list]

    second = queue[1]
    curator_client.post(reverse("admin:curation_relationreview_decide", args=[second.pk]), {"decision": "confirm"})
    second.refresh_from_db()
    assert second.locked and second.set_by == "curator" and second.label == queue[1].label


def test_review_queue_puts_disputed_agreements_before_other_confident_ones(curator_client, demo_events):
    relations = list(ClaimRelation.objects.order_by("id")[:2])
    assert len(relations) == 2
    disputed, confident = relations
    # Scores alone would put the plain agreement first (lowest score first within a priority).
    ClaimRelation.objects.filter(pk=disputed.pk).update(label="agree", reason="same_figure", score=0.99,
                                                        details={"nli": {"contradiction": 0.45}})
    ClaimRelation.objects.filter(pk=confident.pk).update(label="agree", reason="model", score=0.9,
                                                         details={"nli": {"contradiction": 0.02}})
    # The whole queue in the admin's order, not only its first page.
    queue = list(curator_client.get(reverse("admin:curation_relationreview_changelist"))
                 .context["cl"].queryset.values_list("pk", flat=True))
    assert queue.index(disputed.pk) < queue.index(confident.pk)


def test_relation_change_form_relabels_with_note(curator_client, demo_events):
    relation = ClaimRelation.objects.filter(event=demo_events["exchange"], label="agree").first()
    url = reverse("admin:comparer_claimrelation_change", args=[relation.pk])
    assert curator_client.get(url).status_code == 200
    curator_client.post(url, {"label": "contradict", "note": "dates differ"})
    relation.refresh_from_db()
    assert (relation.label, relation.note, relation.set_by, relation.locked) == \
        ("contradict", "dates differ", "curator", True)


def test_metadata_edit_is_audited_and_shown_on_the_object(curator_client, demo_corpus):
    outlet = Outlet.objects.get(name__startswith="Sample Outlet D")
    url = reverse("admin:comparer_outlet_change", args=[outlet.pk])
    form = {"name": outlet.name, "slug": outlet.slug, "domain": outlet.domain, "country": "Germany (sample)",
            "language": outlet.language, "notes": "Privately owned (fictional)."}
    assert curator_client.post(url, form).status_code == 302
    outlet.refresh_from_db()
    assert outlet.country == "Germany (sample)"
    change = CurationChange.objects.get(field="country", object_id=outlet.pk)
    assert (change.before, change.after, change.decision.user.username) == ("Germany", "Germany (sample)", "curator")
    page = curator_client.get(url).content.decode()
    assert "Curation history" in page and "Germany (sample)" in page


def test_event_preview_reuses_the_comparison_table(curator_client, demo_events):
    exchange = demo_events["exchange"]
    page = curator_client.get(reverse("admin:comparer_event_preview", args=[exchange.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<table class="comparison' in html and "Sample Outlet A (Kyiv)" in html and "contradicts" in html
    assert page.context["comparison"].event == exchange


def test_audit_trail_page_and_revert_button(curator_client, curator, demo_events):
    relation = ClaimRelation.objects.filter(event=demo_events["exchange"], label="agree").first()
    services.relation_set_label(relation=relation, label="discusses", by=curator)
    decision = CurationDecision.objects.get()
    page = curator_client.get(reverse("admin:curation_curationdecision_change", args=[decision.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Revert this decision" in html and "discusses" in html
    form_start = html.index('method="post" id="curationdecision_form"')
    assert html.index("csrfmiddlewaretoken", form_start) < html.index("Revert this decision") < \
        html.index("</form>", form_start), \
        "the revert button submits the page's own POST form, which carries the CSRF token"

    curator_client.post(reverse("admin:curation_curationdecision_revert", args=[decision.pk]))
    relation.refresh_from_db()
    assert relation.label == "agree" and not relation.locked
    assert CurationDecision.objects.filter(reverts=decision).exists()


def test_bulk_action_is_all_or_nothing(curator_client, demo_events, monkeypatch):
    relations = list(ClaimRelation.objects.filter(event=demo_events["exchange"]).order_by("id")[:3])
    real_confirm = services.relation_confirm
    calls = []

    def confirm_then_fail(**kwargs):
        calls.append(kwargs["relation"].pk)
        if len(calls) == 3:
            raise services.CurationError("simulated failure on the third relation")
        return real_confirm(**kwargs)

    monkeypatch.setattr(services, "relation_confirm", confirm_then_fail)
    response = run_action(curator_client, ClaimRelation, "confirm_labels", relations)

    assert len(calls) == 3
    assert any("simulated failure" in m for m in messages_of(response))
    assert not ClaimRelation.objects.filter(id__in=[r.pk for r in relations], locked=True).exists()
    assert not CurationDecision.objects.exists()


def test_bulk_relabel_action(curator_client, demo_events):
    relations = list(ClaimRelation.objects.filter(event=demo_events["exchange"], label="agree")[:2])
    run_action(curator_client, ClaimRelation, "label_contradict", relations)
    assert set(ClaimRelation.objects.filter(id__in=[r.pk for r in relations]).values_list("label", "locked")) == \
        {("contradict", True)}
    assert CurationDecision.objects.filter(action="relation_label").count() == 2


def article_form(article, **changes):
    data = {"title": article.title, "url": article.url or "", "standfirst": article.standfirst,
            "byline": article.byline, "published_at_0": article.published_at.strftime("%Y-%m-%d"),
            "published_at_1": article.published_at.strftime("%H:%M:%S"), "language": article.language,
            "metadata": json.dumps(article.metadata), "event": article.event_id or "",
            "syndicated_copy_of": article.syndicated_copy_of_id or ""}
    data.update(changes)
    return data


def test_article_change_form_routes_each_edit_to_its_service(curator_client, demo_events):
    berlin = Article.objects.get(outlet__name__startswith="Sample Outlet D")
    moscow = Article.objects.get(title__startswith="Russian troops push into Dnipropetrovsk")
    url = reverse("admin:comparer_article_change", args=[berlin.pk])
    response = curator_client.post(url, article_form(berlin, byline="Desk (sample)", event=demo_events["strikes"].pk))
    assert response.status_code == 302
    berlin.refresh_from_db()
    assert berlin.byline == "Desk (sample)" and berlin.event_id == demo_events["strikes"].pk and berlin.event_locked
    assert set(CurationDecision.objects.values_list("action", flat=True)) == {"metadata_edit", "article_move"}

    curator_client.post(url, article_form(berlin, syndicated_copy_of=moscow.pk))
    berlin.refresh_from_db()
    assert berlin.syndicated_copy_of_id == moscow.pk and berlin.syndication_locked
    assert berlin.event_id == moscow.event_id, "a copy joins its original's event"

    refused = curator_client.post(url, article_form(berlin, syndicated_copy_of=berlin.pk), follow=True)
    assert any("copy of itself" in m for m in messages_of(refused))


def test_event_change_form_renames_and_locks(curator_client, demo_events):
    strikes = demo_events["strikes"]
    url = reverse("admin:comparer_event_change", args=[strikes.pk])
    page = curator_client.get(url)
    formset = page.context["inline_admin_formsets"][0].formset
    data = {"title": "The 6 June strikes", "summary": "Two outlets; Moscow's figures.",
            **{formset.management_form.add_prefix(k): v for k, v in formset.management_form.initial.items()}}
    for form in formset.forms:
        data[form.add_prefix("id")] = form["id"].value()
        data[form.add_prefix("event")] = strikes.pk
    assert curator_client.post(url, data).status_code == 302
    strikes.refresh_from_db()
    assert (strikes.title, strikes.summary, strikes.locked) == ("The 6 June strikes", "Two outlets; Moscow's figures.",
                                                               True)
    assert CurationDecision.objects.get().action == "event_rename"


def test_review_queue_item_change_form_relabels(curator_client, demo_events):
    relation = ClaimRelation.objects.filter(event=demo_events["exchange"], label="contradict").first()
    url = reverse("admin:curation_relationreview_change", args=[relation.pk])
    assert curator_client.get(url).status_code == 200
    assert curator_client.post(url, {"label": "discusses", "note": ""}).status_code == 302
    relation.refresh_from_db()
    assert (relation.label, relation.locked) == ("discusses", True)
    assert curator_client.get(url).status_code == 302, "a decided relation is no longer in the queue"


@pytest.mark.django_db
def test_admin_pages_get_their_stylesheets_and_scripts(curator_client):
    # DEBUG is off, as in `make demo`: the admin's CSS and JS must still be served.
    import re

    html = curator_client.get(reverse("admin:index")).content.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    assert any(asset.endswith("admin/css/base.css") for asset in assets), assets
    for asset in assets:
        response = curator_client.get(asset)
        assert response.status_code == 200, asset
        assert response["Content-Type"].startswith(("text/css", "text/javascript", "application/javascript")), asset
