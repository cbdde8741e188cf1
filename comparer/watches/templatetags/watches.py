"""``{% watch_button "event" event=... %}``: the Watch / Stop watching form for a page."""
from __future__ import annotations

from django import template

from comparer.watches import selectors, services
from comparer.watches.forms import WatchForm

register = template.Library()

LABELS = {"event": "this event", "outlet_pair": "these two outlets", "search": "this search"}


@register.inclusion_tag("watches/_watch_button.html", takes_context=True)
def watch_button(context, kind: str, **fields):
    """Hidden fields carry the page's own values (an event id, two outlet slugs, a search's query
    and filters); the button says whether the user already watches it."""
    request = context.get("request")
    fields = {name: value for name, value in fields.items() if value not in (None, "")}
    result = {"kind": kind, "fields": sorted(fields.items()), "label": LABELS.get(kind, "this"),
              "watch_id": None, "next": request.get_full_path() if request else "", "shown": False}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return result
    form = WatchForm({"kind": kind, **fields})
    if not form.is_valid():
        return result
    try:
        key = services.watch_values(**form.service_kwargs())["target_key"]
    except services.WatchError:
        return result
    result.update(shown=True, watch_id=selectors.watched_target_ids(user=user).get(key))
    return result
