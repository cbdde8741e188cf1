import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_outlet_page_counts_agreement_and_contradiction_per_other_outlet(researcher_client, casualty_event,
                                                                        django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = researcher_client.get(reverse("web:outlet_detail", args=["outlet-moscow"]))
    detail = response.context["detail"]
    assert detail.article_count == 1 and detail.claim_count == 3
    [kyiv] = detail.agreements
    assert (kyiv.other.name, kyiv.agree, kyiv.contradict) == ("Outlet Kyiv", 1, 1)
    assert kyiv.contradict_share == 0.5
    html = response.content.decode()
    assert 'href="/compare/?a=outlet-moscow&amp;b=outlet-kyiv"' in html
    assert casualty_event["event"].title in html


@pytest.mark.django_db
def test_outlet_page_names_the_outlet_it_republishes(researcher_client, casualty_event):
    detail = researcher_client.get(reverse("web:outlet_detail", args=["outlet-wire"])).context["detail"]
    assert detail.copies_from == [("Outlet Kyiv", "outlet-kyiv", 1)]


@pytest.mark.django_db
def test_outlet_list(researcher_client, casualty_event, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = researcher_client.get(reverse("web:outlet_list"))
    names = [o.name for o in response.context["outlets"]]
    assert names == ["Outlet Kyiv", "Outlet Moscow", "Outlet Wire"]
    assert researcher_client.get(reverse("web:outlet_detail", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_compare_two_outlets_lists_their_pairs_in_the_chosen_order(researcher_client, casualty_event,
                                                                    django_assert_max_num_queries):
    url = reverse("web:outlet_compare") + "?a=outlet-kyiv&b=outlet-moscow"
    with django_assert_max_num_queries(13):  # 12, and one for the Watch button (does the user watch the pair?)
        response = researcher_client.get(url)
    pair = response.context["pair"]
    assert pair.counts == {"agree": 1, "contradict": 1, "discusses": 0}
    first = pair.relations[0]
    assert first.relation.label == "contradict"
    assert (first.claim_a, first.claim_b) == (casualty_event["k_claim"], casualty_event["m_claim"])
    html = response.content.decode()
    assert "Outlet Kyiv vs Outlet Moscow" in html and 'numeric mismatch: <mark class="figure">' in html


@pytest.mark.django_db
def test_compare_on_one_event(researcher_client, casualty_event, event_builder):
    other = event_builder("Another event", seed=3)
    a = other.article(casualty_event["moscow"], "Other A", "Fact one happened.", hours=100)
    b = other.article(casualty_event["kyiv"], "Other B", "Fact one did not happen.", hours=101)
    other.relate(other.claim(a, "Fact one happened.", "f"), other.claim(b, "Fact one did not happen.", "f"),
                 "contradict", "negation")
    other.finish()
    base = reverse("web:outlet_compare") + "?a=outlet-kyiv&b=outlet-moscow"
    assert researcher_client.get(base).context["pair"].counts["contradict"] == 2
    scoped = researcher_client.get(base + f"&event={casualty_event['event'].id}").context["pair"]
    assert scoped.counts["contradict"] == 1 and scoped.event == casualty_event["event"]


@pytest.mark.parametrize("query, message", [
    ("a=outlet-kyiv&b=outlet-kyiv", "Pick a different outlet"),
    ("a=outlet-kyiv&b=missing", "Select a valid choice"),
    ("a=outlet-kyiv&b=outlet-moscow&event=999999", "That event no longer exists."),
])
@pytest.mark.django_db
def test_compare_rejects_bad_input_clearly(researcher_client, casualty_event, query, message):
    response = researcher_client.get(reverse("web:outlet_compare") + "?" + query)
    assert response.status_code == 400 and message in response.content.decode()


@pytest.mark.django_db
def test_compare_form_asks_for_two_outlets_and_search_offers_any(researcher_client, casualty_event):
    compare = researcher_client.get(reverse("web:outlet_compare")).content.decode()
    assert compare.count(">Choose an outlet</option>") == 2 and "Any outlet" not in compare
    search = researcher_client.get(reverse("web:search")).content.decode()
    assert ">Any outlet</option>" in search
