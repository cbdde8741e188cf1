"""The per-user Atom feed of watch news, at a secret URL so feed readers need no login.

Standard Atom 1.0 from Django's syndication framework. Each entry is one change: both claims with
their outlets, the reason, and a link to the row on the event page (``#claim-<id>``). Entry text is
rendered by a template with autoescaping, so article text never becomes markup in a reader.
"""
from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from comparer.watches import selectors, services
from comparer.watches.models import WatchChange, WatchSettings

FEED_ENTRIES = 50


def change_link(change: WatchChange) -> str:
    """The page a change points to: the contradiction's row on the event page, or the event."""
    snapshot = change.snapshot or {}
    event_id = snapshot.get("event_id")
    if not event_id:
        claim = snapshot.get("claim_a") or {}
        return reverse("web:claim_detail", args=[claim["id"]]) if claim.get("id") else reverse("watches:list")
    url = reverse("web:event_detail", args=[event_id])
    if change.kind == WatchChange.Kind.OUTLET_JOINED:
        return url
    # Only rows with a contradiction, so the row is on the first pages rather than behind many agreements.
    return f"{url}?only=disagreements#claim-{snapshot['claim_a']['id']}"


def change_title(change: WatchChange) -> str:
    snapshot = change.snapshot or {}
    if change.kind == WatchChange.Kind.OUTLET_JOINED:
        return f"{snapshot.get('outlet', 'An outlet')} now reports on “{snapshot.get('event_title', '')}”"
    a, b = snapshot.get("claim_a", {}), snapshot.get("claim_b", {})
    what = {WatchChange.Kind.FIGURE_MISMATCH: "Figures differ",
            WatchChange.Kind.RELABEL: "Curator marks a contradiction"}.get(change.kind, "New contradiction")
    return f"{what}: {a.get('outlet', '?')} vs {b.get('outlet', '?')}"


class WatchChangesFeed(Feed):
    feed_type = Atom1Feed
    description_template = "watches/feed_entry.html"
    author_name = "Comparer"

    def get_object(self, request, token: str):
        found = WatchSettings.objects.select_related("user").filter(feed_token=token).first()
        if found is None or not found.user.is_active:
            raise Http404("No feed at this address; it may have been renewed. Copy the new one from your watches page.")
        # Fresh news first: a reader polling between analysis runs still sees a curator's relabel.
        services.changes_record_for_user(user=found.user)
        return found

    def title(self, obj: WatchSettings) -> str:
        return f"Comparer: news on {obj.user.get_username()}'s watches"

    def subtitle(self, obj: WatchSettings) -> str:
        return "New contradictions, figure mismatches and outlets on the events, outlet pairs and searches you watch."

    def link(self, obj: WatchSettings) -> str:
        return reverse("watches:list")

    def feed_url(self, obj: WatchSettings) -> str:
        return reverse("watches:feed", args=[obj.feed_token])

    def items(self, obj: WatchSettings):
        return list(selectors.change_list(user=obj.user).order_by("-detected_at", "-id")[:FEED_ENTRIES])

    def item_title(self, item: WatchChange) -> str:
        return change_title(item)

    def item_link(self, item: WatchChange) -> str:
        return change_link(item)

    def item_guid(self, item: WatchChange) -> str:
        return f"tag:comparer,2025:watch-change:{item.id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: WatchChange):
        return item.detected_at

    def item_updateddate(self, item: WatchChange):
        return item.detected_at

    def item_categories(self, item: WatchChange):
        return [item.get_kind_display()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["change"] = kwargs["item"]
        return context
