"""Django admin: where curators correct the machine.

Admin classes are thin: every curation action, and every edit a change form saves, calls a
service in ``comparer.services`` (one transaction each, locked, recorded in the audit trail).
Bulk actions call a bulk service, so a bulk action fully happens or not at all.

Only superusers delete; the "curator" group gets view/change permissions (see the curation
app's migrations) and reaches admin as staff. Researchers are not staff and never reach it.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, URLField, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join

from comparer import selectors, services
from comparer.curation.models import CurationChange, CurationDecision, RelationReview
from comparer.models import Article, Claim, ClaimCluster, ClaimRelation, EmbeddingCache, Event, Outlet

REVIEW_LOW_CONFIDENCE = 0.6   # machine relations scored below this are "doubtful" and go first
REVIEW_DISPUTED = 0.3       # an agreement the NLI model reads this contradictory is a close call
RELABEL_CHOICES = ["agree", "contradict", "discusses", "unrelated"]


def _admin_url(obj_or_model, object_id=None) -> str | None:
    opts = obj_or_model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                       args=[object_id if object_id is not None else obj_or_model.pk])
    except NoReverseMatch:
        return None


def _link(obj) -> str:
    if obj is None:
        return "—"
    url = _admin_url(obj)
    return format_html('<a href="{}">{}</a>', url, obj) if url else str(obj)


class CuratedModelAdmin(admin.ModelAdmin):
    """Shared rules: superusers alone delete; each object shows its own curation history;
    a ``CurationError`` from a service becomes an error message and nothing is saved."""

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["curation_history"] if obj is not None else fields

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and "curation_history" not in fields:
            fields.append("curation_history")
        return fields

    @admin.display(description="curation history")
    def curation_history(self, obj):
        changes = (CurationChange.objects.filter(content_type__app_label=obj._meta.app_label,
                                                 content_type__model=obj._meta.model_name, object_id=obj.pk)
                   .select_related("decision__user").order_by("-decision__created_at", "-decision_id", "sequence"))
        if not changes:
            return "No curator has changed this yet."
        rows = format_html_join(
            "", '<li><a href="{}">#{}</a> {} by {} on {:%Y-%m-%d %H:%M}: {}</li>',
            ((_admin_url(c.decision), c.decision_id, c.decision.get_action_display(), c.decision.user,
              c.decision.created_at, str(c)) for c in changes[:50]))
        return format_html("<ul>{}</ul>", rows)

    def run_service(self, request, call, success: str | None = None) -> bool:
        """Run a service; show its error instead of a traceback. True when it went through."""
        try:
            with transaction.atomic():
                call()
        except services.CurationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return False
        if success:
            self.message_user(request, success, messages.SUCCESS)
        return True

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        try:
            with transaction.atomic():
                self.save_curated(request, obj, form)
        except services.CurationError as exc:
            # The savepoint dropped every change this form made; say why instead of "changed".
            request._curation_error = str(exc)

    def log_change(self, request, obj, message):
        if getattr(request, "_curation_error", None):
            return None
        return super().log_change(request, obj, message)

    def save_curated(self, request, obj, form):
        raise NotImplementedError(f"{type(self).__name__} must route edits through comparer.services")

    def response_change(self, request, obj):
        error = getattr(request, "_curation_error", None)
        if error:
            self.message_user(request, f"Nothing was saved: {error}", messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


class HasContradictionsFilter(admin.SimpleListFilter):
    title = "contradictions"
    parameter_name = "has_contradictions"

    def lookups(self, request, model_admin):
        return [("yes", "with contradictions"), ("no", "without")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(contradict_count__gt=0)
        if self.value() == "no":
            return queryset.filter(contradict_count=0)
        return queryset


class EventParamMixin:
    """Lets the links from an event page filter a changelist with ``?event=<id>``."""

    def lookup_allowed(self, lookup, value, request=None):
        return lookup == "event" or super().lookup_allowed(lookup, value, request)


def _changed(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data}


@admin.register(Outlet)
class OutletAdmin(CuratedModelAdmin):
    list_display = ["name", "domain", "country", "language", "is_sample", "article_count"]
    list_filter = ["country", "language", "is_sample"]
    search_fields = ["name", "domain", "notes"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "domain", "country", "language", "notes", "is_sample", "created_at"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields + ["is_sample"] if obj is not None else fields

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, obj):
        return obj.article_total

    def save_curated(self, request, obj, form):
        services.metadata_update(instance=obj, data=_changed(form), by=request.user)


@admin.register(Article)
class ArticleAdmin(EventParamMixin, CuratedModelAdmin):
    list_display = ["title", "outlet", "published_at", "event_link", "event_locked", "analysis_status",
                    "syndicated_copy_of"]
    list_filter = ["analysis_status", "event_locked", "syndication_locked", "outlet__country", "outlet",
                   "source_format"]
    search_fields = ["title", "url", "byline", "outlet__name"]
    list_select_related = ["outlet", "event", "syndicated_copy_of"]
    raw_id_fields = ["event", "syndicated_copy_of"]
    fields = ["title", "outlet", "url", "standfirst", "byline", "published_at", "language", "metadata",
              "event", "event_locked", "syndicated_copy_of", "syndication_locked", "text", "content_hash",
              "source_format", "source_name", "page_url", "page_position", "analysis_status", "analysis_error",
              "ingested_at", "analyzed_at"]
    readonly_fields = ["outlet", "text", "content_hash", "source_format", "source_name", "page_url",
                       "page_position", "event_locked", "syndication_locked", "analysis_status", "analysis_error",
                       "ingested_at", "analyzed_at"]
    date_hierarchy = "published_at"
    formfield_overrides = {URLField: {"assume_scheme": "https"}}
    actions = ["split_into_new_event", "mark_copies_of_earliest"]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # Ingest creates articles; the admin only curates existing ones.
        return [f for f in fields if f != "outlet"] if obj is None else fields

    @admin.display(description="event", ordering="event__title")
    def event_link(self, obj):
        return _link(obj.event)

    def save_curated(self, request, obj, form):
        data = _changed(form)
        event = data.pop("event", None) if "event" in data else False
        original = data.pop("syndicated_copy_of") if "syndicated_copy_of" in data else False
        if data:
            services.metadata_update(instance=obj, data=data, by=request.user)
        if event is not False:
            if event is None:
                raise services.CurationError("An article cannot be taken out of every event; "
                                             "move it into another event or split it into a new one.")
            services.articles_move(articles=[obj], event=event, by=request.user)
        if original is not False:
            services.article_mark_syndicated(article=obj, original=original, by=request.user)

    @admin.action(description="Split selected articles into a new event", permissions=["change"])
    def split_into_new_event(self, request, queryset):
        articles = list(queryset.order_by("published_at", "id"))
        event_ids = {a.event_id for a in articles}
        if len(event_ids) != 1 or None in event_ids:
            self.message_user(request, "Choose articles of one event to split off (filter by event first).",
                              messages.ERROR)
            return None
        event = Event.objects.get(id=event_ids.pop())
        result = {}
        if self.run_service(request, lambda: result.update(
                event=services.event_split(event=event, articles=articles, by=request.user))):
            self.message_user(request, format_html("Split {} article(s) into new event {}.", len(articles),
                                                   _link(result["event"])), messages.SUCCESS)
        return None

    @admin.action(description="Mark selected articles as syndicated copies of the earliest selected",
                  permissions=["change"])
    def mark_copies_of_earliest(self, request, queryset):
        articles = list(queryset.order_by(F("published_at").asc(nulls_last=True), "id"))
        if len(articles) < 2:
            self.message_user(request, "Choose the original and at least one copy.", messages.ERROR)
            return None
        original, copies = articles[0], articles[1:]

        def mark_all():
            for copy in copies:
                services.article_mark_syndicated(article=copy, original=original, by=request.user)

        self.run_service(request, mark_all, f"Marked {len(copies)} article(s) as copies of “{original}”.")
        return None


class ReadOnlyInline(admin.TabularInline):
    """Members listed on their parent's page; they are changed on their own pages, through services."""
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ArticleInline(ReadOnlyInline):
    model = Article
    fields = ["title", "outlet", "published_at", "event_locked", "syndicated_copy_of"]
    readonly_fields = fields


@admin.register(Event)
class EventAdmin(CuratedModelAdmin):
    list_display = ["title", "first_seen", "outlet_count", "claim_count", "agree_count", "contradict_count",
                    "locked", "reviewed", "preview_link"]
    list_filter = ["locked", "reviewed", HasContradictionsFilter, "first_seen"]
    search_fields = ["title", "summary", "articles__title"]
    fields = ["title", "summary", "first_seen", "last_seen", "outlet_count", "claim_count", "agree_count",
              "contradict_count", "locked", "reviewed", "story_link", "links"]
    readonly_fields = ["first_seen", "last_seen", "outlet_count", "claim_count", "agree_count",
                       "contradict_count", "locked", "reviewed", "story_link", "links"]
    inlines = [ArticleInline]
    actions = ["merge_events", "mark_reviewed"]

    def get_urls(self):
        return [path("<path:object_id>/preview/", self.admin_site.admin_view(self.preview_view),
                     name="comparer_event_preview")] + super().get_urls()

    @admin.display(description="preview")
    def preview_link(self, obj):
        return format_html('<a href="{}">side by side</a>', reverse("admin:comparer_event_preview", args=[obj.pk]))

    @admin.display(description="running story")
    def story_link(self, obj):
        # Parts are linked by the pipeline (``pipeline.stories``); merging parts is how a curator joins them.
        root = obj.story if obj.story_id else obj
        later = Event.objects.filter(story_id=root.pk).count()
        if not later:
            return "Stands alone."
        return format_html('part of <a href="{}">{}</a>, {} parts · <a href="{}?story={}">all parts</a>',
                           reverse("admin:comparer_event_change", args=[root.pk]), root.title, later + 1,
                           reverse("web:event_list"), root.pk)

    @admin.display(description="curate")
    def links(self, obj):
        return format_html(
            '<a href="{}">side-by-side preview</a> · <a href="{}?event={}">articles (select some to split)</a> · '
            '<a href="{}?event={}">claim clusters</a> · <a href="{}?event={}">relations to review</a>',
            reverse("admin:comparer_event_preview", args=[obj.pk]),
            reverse("admin:comparer_article_changelist"), obj.pk,
            reverse("admin:comparer_claimcluster_changelist"), obj.pk,
            reverse("admin:curation_relationreview_changelist"), obj.pk)

    def preview_view(self, request, object_id):
        event = get_object_or_404(Event, pk=unquote(object_id))
        if not self.has_view_or_change_permission(request, event):
            raise PermissionDenied
        comparison = selectors.event_comparison(event_id=event.pk)
        context = {**self.admin_site.each_context(request), "opts": self.opts, "original": event,
                   "title": f"Side by side: {event.title}", "comparison": comparison,
                   "has_view_permission": True}
        return TemplateResponse(request, "admin/comparer/event/preview.html", context)

    def save_curated(self, request, obj, form):
        data = _changed(form)
        if data:
            services.event_rename(event=obj, title=form.cleaned_data["title"],
                                  summary=form.cleaned_data["summary"], by=request.user)

    @admin.action(description="Merge selected events", permissions=["change"])
    def merge_events(self, request, queryset):
        events = list(queryset.order_by(F("first_seen").asc(nulls_last=True), "id"))
        if len(events) < 2:
            self.message_user(request, "Choose at least two events to merge.", messages.ERROR)
            return None
        if request.POST.get("confirm_merge"):
            into = next((e for e in events if str(e.pk) == request.POST.get("into")), events[0])
            result = {}
            if self.run_service(request, lambda: result.update(event=services.event_merge(
                    events=events, into=into, title=request.POST.get("title", ""), by=request.user,
                    note=request.POST.get("note", "")))):
                self.message_user(request, format_html("Merged {} events into {}.", len(events),
                                                       _link(result["event"])), messages.SUCCESS)
            return None
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": "Merge events",
                   "events": events, "queryset": queryset,
                   "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
        return TemplateResponse(request, "admin/comparer/event/merge.html", context)

    @admin.action(description="Mark selected events as reviewed (locks their articles)", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        events = list(queryset)
        self.run_service(request, lambda: services.events_mark_reviewed(events=events, by=request.user),
                         f"Marked {len(events)} event(s) reviewed.")


class ClaimInline(ReadOnlyInline):
    model = Claim
    fk_name = "cluster"
    fields = ["text", "article", "speaker", "cluster_locked"]
    readonly_fields = fields


@admin.register(ClaimCluster)
class ClaimClusterAdmin(EventParamMixin, CuratedModelAdmin):
    list_display = ["label", "event", "member_count", "locked"]
    list_filter = ["locked"]
    search_fields = ["label", "event__title"]
    list_select_related = ["event"]
    fields = ["label", "event", "position", "locked"]
    readonly_fields = ["label", "event", "position", "locked"]
    inlines = [ClaimInline]
    actions = ["merge_clusters", "split_into_new_event"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("claims"))

    @admin.display(description="claims", ordering="member_total")
    def member_count(self, obj):
        return obj.member_total

    def save_curated(self, request, obj, form):
        pass  # every field is read-only; clusters change through the actions

    @admin.action(description="Merge selected claim clusters", permissions=["change"])
    def merge_clusters(self, request, queryset):
        clusters = list(queryset)
        self.run_service(request, lambda: services.cluster_merge(clusters=clusters, by=request.user),
                         f"Merged {len(clusters)} claim clusters.")

    @admin.action(description="Split selected claim clusters (with their articles) into a new event",
                  permissions=["change"])
    def split_into_new_event(self, request, queryset):
        clusters = list(queryset)
        event_ids = {c.event_id for c in clusters}
        if len(event_ids) != 1:
            self.message_user(request, "Choose claim clusters of one event.", messages.ERROR)
            return
        event = Event.objects.get(id=event_ids.pop())
        self.run_service(request, lambda: services.event_split(event=event, clusters=clusters, by=request.user),
                         f"Moved {len(clusters)} claim cluster(s) and their articles into a new event.")


@admin.register(Claim)
class ClaimAdmin(CuratedModelAdmin):
    list_display = ["text", "article", "speaker", "channel", "is_checkworthy", "cluster", "cluster_locked"]
    list_filter = ["is_checkworthy", "is_headline", "is_quote", "cluster_locked"]
    search_fields = ["text", "speaker", "channel"]
    list_select_related = ["article", "cluster"]
    raw_id_fields = ["cluster"]
    fields = ["text", "article", "event", "cluster", "cluster_locked", "speaker", "channel", "is_quote",
              "is_headline", "is_checkworthy", "numbers", "dates", "places", "position", "char_start", "char_end"]
    readonly_fields = [f for f in fields if f != "cluster"]
    actions = ["split_into_new_cluster"]

    def save_curated(self, request, obj, form):
        if "cluster" in form.changed_data:
            target = form.cleaned_data["cluster"]
            if target is None:
                raise services.CurationError("A claim cannot be left without a cluster; choose the cluster it "
                                             "belongs to, or split it into a new one.")
            services.claim_move(claim=obj, cluster=target, by=request.user)

    @admin.action(description="Split selected claims into a new claim cluster", permissions=["change"])
    def split_into_new_cluster(self, request, queryset):
        claims = list(queryset)
        cluster_ids = {c.cluster_id for c in claims}
        if len(cluster_ids) != 1 or None in cluster_ids:
            self.message_user(request, "Choose claims of one claim cluster.", messages.ERROR)
            return
        cluster = ClaimCluster.objects.get(id=cluster_ids.pop())
        self.run_service(request, lambda: services.cluster_split(cluster=cluster, claims=claims, by=request.user),
                         f"Split {len(claims)} claim(s) into a new cluster.")


class RelationActions:
    """Bulk confirm/relabel actions shared by the relation list and the review queue."""

    actions = ["confirm_labels", "label_agree", "label_contradict", "label_discusses", "label_unrelated"]

    def _relabel(self, request, queryset, label):
        relations = list(queryset)
        self.run_service(request, lambda: services.relations_set_label(relations=relations, label=label,
                                                                       by=request.user),
                         f"Labelled {len(relations)} relation(s) {label}.")

    @admin.action(description="Confirm the machine label of selected relations", permissions=["change"])
    def confirm_labels(self, request, queryset):
        relations = list(queryset)
        self.run_service(request, lambda: services.relations_confirm(relations=relations, by=request.user),
                         f"Confirmed {len(relations)} relation(s).")

    @admin.action(description="Label selected relations: agree", permissions=["change"])
    def label_agree(self, request, queryset):
        self._relabel(request, queryset, "agree")

    @admin.action(description="Label selected relations: contradict", permissions=["change"])
    def label_contradict(self, request, queryset):
        self._relabel(request, queryset, "contradict")

    @admin.action(description="Label selected relations: discusses", permissions=["change"])
    def label_discusses(self, request, queryset):
        self._relabel(request, queryset, "discusses")

    @admin.action(description="Label selected relations: unrelated", permissions=["change"])
    def label_unrelated(self, request, queryset):
        self._relabel(request, queryset, "unrelated")


def _claim_cell(claim: Claim) -> str:
    return format_html('<div class="claim"><strong>{}</strong><br>{}</div>', claim.article.outlet.name, claim.text)


@admin.register(ClaimRelation)
class ClaimRelationAdmin(RelationActions, EventParamMixin, CuratedModelAdmin):
    list_display = ["id", "claim_a_text", "label", "claim_b_text", "reason", "score", "set_by", "locked", "event"]
    list_filter = ["label", "reason", "set_by", "locked"]
    search_fields = ["claim_a__text", "claim_b__text", "note"]
    list_select_related = ["event", "claim_a__article__outlet", "claim_b__article__outlet"]
    fields = ["event", "claim_a", "claim_b", "label", "note", "score", "reason", "details", "set_by", "locked",
              "curator", "created_at", "updated_at"]
    readonly_fields = ["event", "claim_a", "claim_b", "score", "reason", "details", "set_by", "locked", "curator",
                       "created_at", "updated_at"]

    @admin.display(description="claim A")
    def claim_a_text(self, obj):
        return _claim_cell(obj.claim_a)

    @admin.display(description="claim B")
    def claim_b_text(self, obj):
        return _claim_cell(obj.claim_b)

    def save_curated(self, request, obj, form):
        note = form.cleaned_data.get("note", "")
        if "label" in form.changed_data:
            services.relation_set_label(relation=obj, label=form.cleaned_data["label"], note=note, by=request.user)
        else:
            # Saving the form unchanged (or with only a note) confirms the machine's label.
            services.relation_confirm(relation=obj, note=note, by=request.user)


@admin.register(RelationReview)
class RelationReviewAdmin(ClaimRelationAdmin):
    """The review queue: unlocked machine relations, contradictions and numeric mismatches,
    low-confidence labels and agreements the NLI model finds disputed first; one click confirms or
    relabels (with an optional note)."""

    list_display = ["id", "claim_a_text", "machine_label", "claim_b_text", "score", "decide"]
    list_display_links = ["id"]
    list_filter = ["label", "reason"]
    search_fields = ["claim_a__text", "claim_b__text", "event__title"]
    list_select_related = ["event", "claim_a__article__outlet", "claim_b__article__outlet"]
    list_per_page = 50

    def get_ordering(self, request):
        # By annotations of get_queryset (so not a class attribute, which admin checks against fields).
        return [F("priority").asc(), F("impact").asc(), F("score").asc(), "id"]

    def get_queryset(self, request):
        high_impact = Q(label=ClaimRelation.Label.CONTRADICT) | Q(reason=ClaimRelation.Reason.NUMERIC_MISMATCH)
        impact = Case(When(high_impact, then=Value(0)), default=Value(1), output_field=IntegerField())
        # An agreement (often by the same figure) that the model still reads as possibly contradictory
        # is a close call: a curator should look.
        disputed = Q(label=ClaimRelation.Label.AGREE, details__nli__contradiction__gte=REVIEW_DISPUTED)
        priority = Case(When(high_impact | disputed | Q(score__lt=REVIEW_LOW_CONFIDENCE), then=Value(0)),
                        default=Value(1), output_field=IntegerField())
        return super().get_queryset(request).filter(locked=False).annotate(impact=impact, priority=priority)

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [path("<path:object_id>/decide/", self.admin_site.admin_view(self.decide_view),
                     name="curation_relationreview_decide")] + super().get_urls()

    @admin.display(description="claim A")
    def claim_a_text(self, obj):
        return _claim_cell(obj.claim_a)

    @admin.display(description="claim B")
    def claim_b_text(self, obj):
        return _claim_cell(obj.claim_b)

    @admin.display(description="machine says")
    def machine_label(self, obj):
        return format_html('<strong>{}</strong><br><span class="help">{}</span>', obj.label,
                           obj.get_reason_display())

    @admin.display(description="decide")
    def decide(self, obj):
        url = reverse("admin:curation_relationreview_decide", args=[obj.pk])
        buttons = format_html_join(
            " ", '<button type="submit" class="button" formaction="{}" name="decision" value="{}" '
                 'data-relation="{}">{}</button>',
            [(url, "confirm", obj.pk, f"confirm {obj.label}")]
            + [(url, label, obj.pk, label) for label in RELABEL_CHOICES if label != obj.label])
        return format_html('<input type="text" name="note-{}" placeholder="note (optional)" size="18"> {}',
                           obj.pk, buttons)

    def decide_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:curation_relationreview_changelist"))
        relation = get_object_or_404(ClaimRelation, pk=unquote(object_id))
        if not self.has_change_permission(request, relation):
            raise PermissionDenied
        decision = request.POST.get("decision", "")
        note = request.POST.get(f"note-{relation.pk}", "").strip()
        if decision == "confirm":
            self.run_service(request, lambda: services.relation_confirm(relation=relation, note=note,
                                                                        by=request.user),
                             f"Confirmed relation #{relation.pk} as {relation.label}.")
        else:
            self.run_service(request, lambda: services.relation_set_label(relation=relation, label=decision,
                                                                          note=note, by=request.user),
                             f"Labelled relation #{relation.pk} {decision}.")
        back = request.META.get("HTTP_REFERER") or ""
        if not back.startswith(request.build_absolute_uri("/")):
            back = reverse("admin:curation_relationreview_changelist")
        return HttpResponseRedirect(back)


class CurationChangeInline(admin.TabularInline):
    model = CurationChange
    fields = ["sequence", "object_link", "operation", "field", "before", "after", "machine_owned"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="object")
    def object_link(self, change):
        model = change.content_type.model_class()
        url = _admin_url(model, change.object_id) if model is not None else None
        label = f"{change.content_type.model} #{change.object_id}: {change.object_repr}"
        return format_html('<a href="{}">{}</a>', url, label) if url else label


@admin.register(CurationDecision)
class CurationDecisionAdmin(admin.ModelAdmin):
    """The audit trail: read-only for everyone; reverting records a new decision."""

    list_display = ["id", "created_at", "user", "action", "summary", "reverted"]
    list_filter = ["action", "user", "created_at"]
    search_fields = ["summary", "note", "user__username"]
    date_hierarchy = "created_at"
    fields = ["created_at", "user", "action", "summary", "note", "reverts", "reverted", "revert_button"]
    readonly_fields = fields
    inlines = [CurationChangeInline]
    actions = ["revert_decisions"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "reverted_by_decision")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the audit trail is never rewritten, not even by superusers

    def has_revert_permission(self, request):
        return request.user.has_perm("curation.revert_curationdecision")

    @admin.display(description="reverted by")
    def reverted(self, obj):
        later = getattr(obj, "reverted_by_decision", None)
        return _link(later) if later is not None else "—"

    @admin.display(description="revert")
    def revert_button(self, obj):
        if getattr(obj, "reverted_by_decision", None) is not None:
            return "already reverted"
        # The change page is already a POST form with a CSRF token; the button only redirects it.
        return format_html('<button type="submit" class="button" formaction="{}" formmethod="post">'
                           'Revert this decision</button>',
                           reverse("admin:curation_curationdecision_revert", args=[obj.pk]))

    def get_urls(self):
        return [path("<path:object_id>/revert/", self.admin_site.admin_view(self.revert_view),
                     name="curation_curationdecision_revert")] + super().get_urls()

    def revert_view(self, request, object_id):
        decision = get_object_or_404(CurationDecision, pk=unquote(object_id))
        if request.method != "POST" or not self.has_revert_permission(request):
            raise PermissionDenied
        result = {}
        if CuratedModelAdmin.run_service(self, request, lambda: result.update(
                revert=services.decision_revert(decision=decision, by=request.user))):
            self.message_user(request, format_html("Reverted: recorded as {}.", _link(result["revert"])),
                              messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:curation_curationdecision_change", args=[decision.pk]))

    @admin.action(description="Revert selected decisions (newest first, all or none)", permissions=["revert"])
    def revert_decisions(self, request, queryset):
        decisions = list(queryset.order_by("-created_at", "-id"))

        def revert_all():
            for decision in decisions:
                services.decision_revert(decision=decision, by=request.user)

        CuratedModelAdmin.run_service(self, request, revert_all, f"Reverted {len(decisions)} decision(s).")


@admin.register(EmbeddingCache)
class EmbeddingCacheAdmin(admin.ModelAdmin):
    list_display = ["text_hash", "model_name", "created_at"]
    exclude = ["embedding"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
