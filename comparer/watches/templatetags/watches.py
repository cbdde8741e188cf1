"""``{% watch_button "event" event=... %}``: the Watch / Stop watching form for a page."""
from __future__ import annotations

from django import template

from comparer.models import Outlet
from comparer.watches import selectors, services
from comparer.watches.forms import WatchForm
from comparer.watches.models import Watch

register = template.Library()

LABELS = {"event": "this event", "outlet_pair": "these two outlets", "search": "this search"}


def _target_key(kind: str, fields: dict) -> str | None:
    """The watch's key from the page's own values. An event id or the page's two outlets give it
    without a query (the cached event page stays a few queries); a search validates its filters."""
    try:
        if kind == Watch.Kind.EVENT:
            return f"event:{int(fields['event'])}"
        if kind == Watch.Kind.OUTLET_PAIR and all(isinstance(fields.get(side), Outlet) for side in ("a", "b")):
            return services.watch_values(kind=kind, outlet_a=fields["a"], outlet_b=fields["b"])["target_key"]
        form = WatchForm({"kind": kind, **fields})
        if not form.is_valid():
            return None
        return services.watch_values(**form.service_kwargs())["target_key"]
    except (KeyError, TypeError, ValueError):  # WatchError is a ValueError
        return None


@register.inclusion_tag("watches/_watch_button.html", takes_context=True)
def watch_button(context, kind: str, **fields):
    """Hidden fields carry the page's values (an event id, two outlets, a search's query and
    filters); the button says whether the user already watches it (one query)."""
    request = context.get("request")
    fields = {name: value for name, value in fields.items() if value not in (None, "")}
    result = {"kind": kind, "label": LABELS.get(kind, "this"), "watch_id": None, "shown": False,
              "next": request.get_full_path() if request else "",
              "fields": sorted((name, value.slug if isinstance(value, Outlet) else value)
                               for name, value in fields.items())}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return result
    key = _target_key(kind, fields)
    if key is None:
        return result
    result.update(shown=True, watch_id=selectors.watch_id_for_target(user=user, target_key=key))
    return result
