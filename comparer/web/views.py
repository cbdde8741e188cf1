"""Researcher pages: thin views over ``comparer.selectors``."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from comparer import selectors


@login_required
def event_list(request):
    events = selectors.event_list(has_contradictions=request.GET.get("has_contradictions") == "1")
    page = Paginator(events, 25).get_page(request.GET.get("page"))
    return render(request, "events/list.html", {"page": page})


@login_required
def event_detail(request, event_id: int):
    only = request.GET.get("only") == "disagreements"
    comparison = selectors.event_comparison(event_id=event_id, only_disagreements=only)
    return render(request, "events/detail.html", {"comparison": comparison, "only_disagreements": only})
