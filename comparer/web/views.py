"""Researcher pages: thin views over ``comparer.selectors`` and ``comparer.search``.

Every page needs a login. Filters come from the query string through forms; invalid input
re-renders the page with the form's errors (status 400) and keeps what was typed.
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.text import slugify

from comparer import exports, search, selectors
from comparer.web import page_cache
from comparer.web.charts import event_timeline
from comparer.web.forms import EventFilterForm, OutletPairForm, SearchForm

EVENTS_PER_PAGE = 25
ROWS_PER_PAGE = 25
COLUMN_ORDER_LABELS = [("first_report", "first report"), ("name", "name"), ("claims", "most claims")]
SEARCH_LIMIT = 50


@login_required
def event_list(request):
    form = EventFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "events/list.html", {"form": form, "page": None}, status=400)
    kwargs = form.selector_kwargs() if form.is_bound else {}
    page = Paginator(selectors.event_list(**kwargs), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    coverage = selectors.event_coverage(event_ids=[event.id for event in page])
    rows = [(event, coverage.get(event.id, [])) for event in page]
    return render(request, "events/list.html", {"form": form, "page": page, "rows": rows})


def _comparison_options(request) -> tuple[bool, str]:
    only = request.GET.get("only") == "disagreements"
    order = request.GET.get("columns", "first_report")
    return only, order if order in selectors.COLUMN_ORDERS else "first_report"


@login_required
def event_detail(request, event_id: int):
    """The comparison, one page of rows at a time: contradictions first, so page one holds what
    matters; a 6,000-claim event stays a fast, readable page.

    The parts that depend only on the event's data and the page's options are cached by the
    data's version (``page_cache``): a request reads that version (one query), and renders only
    when no page was stored for it. ``comparison`` is in the template context only then; the
    ``X-Comparer-Page-Cache`` header says which path served the request (hit or miss).
    """
    only, order = _comparison_options(request)
    try:
        number = max(1, int(request.GET.get("rows", 1)))
    except ValueError:
        number = 1
    version = selectors.event_comparison_version(event_id=event_id)
    if version is None:
        raise Http404("No such event.")
    key = page_cache.page_key(event_id=event_id, version=version, only=only, order=order, rows=number)
    page = page_cache.get(key)
    context = {"only_disagreements": only, "column_order": order, "column_orders": COLUMN_ORDER_LABELS}
    if page is None:
        comparison, page = _event_page(event_id, only=only, order=order, number=number)
        page_cache.put(key, page)
        context["comparison"] = comparison
    context["page"] = page
    response = render(request, "events/detail.html", context)
    response["X-Comparer-Page-Cache"] = "miss" if "comparison" in context else "hit"
    return response


def _event_page(event_id: int, *, only: bool, order: str, number: int):
    """Compute one page of the comparison and render its cacheable parts."""
    def compute(number):
        return selectors.event_comparison(event_id=event_id, only_disagreements=only, column_order=order,
                                          row_offset=(number - 1) * ROWS_PER_PAGE, row_limit=ROWS_PER_PAGE,
                                          contradictions_only=True)

    comparison = compute(number)
    pages = max(1, -(-comparison.row_count // ROWS_PER_PAGE))
    if number > pages:  # past the end (e.g. after toggling a filter): show the last page instead
        number = pages
        comparison = compute(number)
    context = {"comparison": comparison, "timeline": event_timeline(comparison),
               "story_parts": selectors.story_parts(comparison.event)}
    page = page_cache.EventPage(
        event_id=comparison.event.id, title=comparison.event.title,
        row_count=comparison.row_count, total_rows=comparison.total_rows,
        row_page={"number": number, "count": pages, "first": comparison.row_offset + 1,
                  "last": comparison.row_offset + len(comparison.rows),
                  "previous": number - 1 if number > 1 else None, "next": number + 1 if number < pages else None},
        head_html=render_to_string("events/_detail_head.html", context),
        table_html=render_to_string("events/_comparison_table.html", context),
        compare_html=render_to_string("events/_detail_compare.html", context))
    return comparison, page


def _export_filename(comparison, extension: str) -> str:
    return f"event-{comparison.event.id}-{slugify(comparison.event.title)[:60] or 'comparison'}.{extension}"


@login_required
def event_comparison_csv(request, event_id: int):
    only, order = _comparison_options(request)
    comparison = selectors.event_comparison(event_id=event_id, only_disagreements=only, column_order=order)
    response = HttpResponse(exports.comparison_csv(comparison), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_filename(comparison, "csv")}"'
    return response


@login_required
def event_comparison_json(request, event_id: int):
    only, order = _comparison_options(request)
    comparison = selectors.event_comparison(event_id=event_id, only_disagreements=only, column_order=order)
    response = JsonResponse(exports.comparison_json(comparison), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="{_export_filename(comparison, "json")}"'
    return response


@login_required
def claim_detail(request, claim_id: int):
    return render(request, "claims/detail.html", {"detail": selectors.claim_detail(claim_id=claim_id)})


@login_required
def article_detail(request, article_id: int):
    return render(request, "articles/detail.html", {"detail": selectors.article_detail(article_id=article_id)})


@login_required
def outlet_list(request):
    return render(request, "outlets/list.html", {"outlets": selectors.outlet_list()})


@login_required
def outlet_detail(request, slug: str):
    return render(request, "outlets/detail.html", {"detail": selectors.outlet_detail(slug=slug)})


@login_required
def claim_search(request):
    data = None
    if request.GET:
        # A link with only ?q= searches by words; the form says so by checking that choice.
        data = request.GET.copy()
        data.setdefault("mode", SearchForm.base_fields["mode"].initial)
    form = SearchForm(data)
    results, ran, by_meaning_url = [], False, None
    if form.is_bound:
        if not form.is_valid():
            return render(request, "search/search.html", {"form": form, "results": [], "ran": False}, status=400)
        query = form.cleaned_data["q"].strip()
        if query:
            results = search.search_claims(query, mode=form.cleaned_data["mode"], filters=form.filters(),
                                           limit=SEARCH_LIMIT)
            ran = True
            if not results and form.cleaned_data["mode"] != "semantic":
                by_meaning = data.copy()
                by_meaning["mode"] = "semantic"
                by_meaning_url = "?" + by_meaning.urlencode()
    return render(request, "search/search.html", {
        "form": form, "results": results, "ran": ran, "limit": SEARCH_LIMIT, "by_meaning_url": by_meaning_url,
        "within_event": form.cleaned_data.get("event") if form.is_bound else None,
    })


@login_required
def outlet_compare(request):
    form = OutletPairForm(request.GET or None)
    if not form.is_bound:
        return render(request, "outlets/compare.html", {"form": form, "pair": None})
    if not form.is_valid():
        return render(request, "outlets/compare.html", {"form": form, "pair": None}, status=400)
    data = form.cleaned_data
    pair = selectors.outlet_pair_comparison(outlet_a_id=data["a"].id, outlet_b_id=data["b"].id,
                                            event_id=data["event"].id if data.get("event") else None)
    return render(request, "outlets/compare.html", {"form": form, "pair": pair})
