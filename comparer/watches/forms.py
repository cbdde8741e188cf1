"""The Watch button's form (one form for the three kinds) and the digest setting."""
from __future__ import annotations

from django import forms

from comparer.models import Event, Outlet
from comparer.watches.models import Watch, WatchSettings


def _outlet(required: bool = False) -> forms.ModelChoiceField:
    # Slugs, as the pages' own outlet menus and query strings use them.
    return forms.ModelChoiceField(queryset=Outlet.objects.only("id", "name", "slug"), to_field_name="slug",
                                  required=required, error_messages={"invalid_choice": "That outlet does not exist."})


def _event() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=Event.objects.defer("centroid", "xcentroid"), required=False,
                                  error_messages={"invalid_choice": "That event no longer exists."})


class WatchForm(forms.Form):
    """What the Watch buttons post: ``kind`` and the fields of that kind (the page's own values)."""

    kind = forms.ChoiceField(choices=Watch.Kind.choices)
    event = _event()
    a = _outlet()
    b = _outlet()
    q = forms.CharField(required=False, max_length=500)
    mode = forms.ChoiceField(required=False, choices=Watch.SearchMode.choices)
    outlet = _outlet()
    country = forms.CharField(required=False, max_length=100)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    next = forms.CharField(required=False, max_length=2000)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kind = data["kind"]
        if kind == Watch.Kind.EVENT:
            return {"kind": kind, "event": data.get("event")}
        if kind == Watch.Kind.OUTLET_PAIR:
            return {"kind": kind, "outlet_a": data.get("a"), "outlet_b": data.get("b")}
        return {"kind": kind, "query": data.get("q") or "", "search_mode": data.get("mode") or "keyword",
                "filter_outlet": data.get("outlet"), "filter_event": data.get("event"),
                "filter_country": data.get("country") or "", "filter_date_from": data.get("date_from"),
                "filter_date_to": data.get("date_to")}


class DigestForm(forms.Form):
    digest_frequency = forms.ChoiceField(choices=WatchSettings.Frequency.choices, label="Mail digest",
                                         widget=forms.RadioSelect)
