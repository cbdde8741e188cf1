"""Django admin registrations. Curation actions live in ``comparer.services``."""
from django.contrib import admin

from comparer.models import Article, Claim, ClaimCluster, ClaimRelation, EmbeddingCache, Event, Outlet


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "country", "language", "is_sample"]
    list_filter = ["country", "language", "is_sample"]
    search_fields = ["name", "domain"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published_at", "event", "analysis_status", "syndicated_copy_of"]
    list_filter = ["analysis_status", "outlet", "source_format"]
    search_fields = ["title", "url", "text"]
    raw_id_fields = ["event", "syndicated_copy_of"]
    readonly_fields = ["content_hash", "ingested_at", "analyzed_at"]
    date_hierarchy = "published_at"


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "first_seen", "outlet_count", "claim_count", "agree_count", "contradict_count",
                    "locked", "reviewed"]
    list_filter = ["locked", "reviewed"]
    search_fields = ["title"]
    exclude = ["centroid"]


@admin.register(ClaimCluster)
class ClaimClusterAdmin(admin.ModelAdmin):
    list_display = ["label", "event", "locked"]
    list_filter = ["locked"]
    search_fields = ["label"]
    raw_id_fields = ["event"]
    exclude = ["centroid"]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["text", "article", "speaker", "channel", "is_checkworthy", "cluster"]
    list_filter = ["is_checkworthy", "is_headline", "is_quote"]
    search_fields = ["text", "speaker", "channel"]
    raw_id_fields = ["article", "event", "cluster"]
    exclude = ["embedding"]


@admin.register(ClaimRelation)
class ClaimRelationAdmin(admin.ModelAdmin):
    list_display = ["id", "label", "reason", "score", "set_by", "locked", "event"]
    list_filter = ["label", "reason", "set_by", "locked"]
    raw_id_fields = ["event", "claim_a", "claim_b", "curator"]


@admin.register(EmbeddingCache)
class EmbeddingCacheAdmin(admin.ModelAdmin):
    list_display = ["text_hash", "model_name", "created_at"]
    exclude = ["embedding"]
