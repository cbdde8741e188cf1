"""Filter and search forms: they validate query-string input and explain what to fix."""
from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.utils import timezone

from comparer.models import Event, Outlet
from comparer.search import MODES, ClaimFilters
from comparer.selectors import country_choices, language_choices


def _outlet_field(label: str = "Outlet", required: bool = False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=Outlet.objects.only("id", "name", "slug").order_by("name"),
                                  to_field_name="slug", required=required, label=label,
                                  empty_label="Choose an outlet" if required else "Any outlet")


def _language_options() -> list[tuple[str, str]]:
    from comparer.web.templatetags.comparer_web import language_name

    return [("", "Any language")] + [(code, f"{language_name(code)} ({code})") for code in language_choices()]


class DateRangeMixin:
    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "The end date is before the start date; swap them or clear one.")
        return cleaned


class EventFilterForm(DateRangeMixin, forms.Form):
    date_from = forms.DateField(required=False, label="Reported from",
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="to", widget=forms.DateInput(attrs={"type": "date"}))
    outlet = _outlet_field()
    country = forms.ChoiceField(required=False, label="Outlet country")
    language = forms.ChoiceField(required=False, label="Reported in")
    has_contradictions = forms.BooleanField(required=False, label="Has contradictions")
    order = forms.ChoiceField(required=False, label="Order", initial="contested",
                              choices=[("contested", "Most contested first"), ("newest", "Newest first")])
    # The first event of a running story: the list then shows its parts (the events list and the
    # event page link here with it set).
    story = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "Any country")] + [(c, c) for c in country_choices()]
        self.fields["language"].choices = _language_options()

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"outlet_id": data["outlet"].id if data.get("outlet") else None,
                "country": data.get("country") or "", "has_contradictions": bool(data.get("has_contradictions")),
                "language": data.get("language") or "",
                "date_from": data.get("date_from"), "date_to": data.get("date_to"),
                "order": data.get("order") or "contested", "story_id": data.get("story")}


class SearchForm(DateRangeMixin, forms.Form):
    q = forms.CharField(required=False, max_length=500, label="Search claims",
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "prisoner exchange"}))
    mode = forms.ChoiceField(required=False, initial="keyword", label="Search by",
                             choices=list(zip(MODES, ["Words (full text)", "Meaning (similar sentences)"])),
                             widget=forms.RadioSelect)
    outlet = _outlet_field()
    country = forms.ChoiceField(required=False, label="Outlet country")
    language = forms.ChoiceField(required=False, label="Claim language")
    # An id rather than a drop-down: the archive holds far more events than a menu can list; the
    # event page links here with it set.
    event = forms.ModelChoiceField(queryset=Event.objects.defer("centroid", "xcentroid"), required=False,
                                   widget=forms.HiddenInput, error_messages={"invalid_choice": "That event no longer exists."})
    date_from = forms.DateField(required=False, label="Published from",
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="to", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "Any country")] + [(c, c) for c in country_choices()]
        self.fields["language"].choices = _language_options()

    def clean_mode(self) -> str:
        return self.cleaned_data.get("mode") or "keyword"

    def filters(self) -> ClaimFilters:
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        return ClaimFilters(
            outlet_id=data["outlet"].id if data.get("outlet") else None,
            event_id=data["event"].id if data.get("event") else None,
            country=data.get("country") or "",
            language=data.get("language") or "",
            date_from=datetime.combine(data["date_from"], time.min, zone) if data.get("date_from") else None,
            date_to=datetime.combine(data["date_to"], time.max, zone) if data.get("date_to") else None,
        )


class OutletPairForm(forms.Form):
    a = _outlet_field("First outlet", required=True)
    b = _outlet_field("Second outlet", required=True)
    event = forms.ModelChoiceField(queryset=Event.objects.defer("centroid", "xcentroid"), required=False,
                                   widget=forms.HiddenInput, error_messages={"invalid_choice": "That event no longer exists."})

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("a") and cleaned.get("b") and cleaned["a"] == cleaned["b"]:
            self.add_error("b", "Pick a different outlet from the first one.")
        return cleaned
