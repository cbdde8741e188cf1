from django.contrib import admin

from comparer.watches.models import Watch, WatchChange, WatchSettings


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    list_display = ("__str__", "user", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "query", "event__title")
    raw_id_fields = ("user", "event", "outlet_a", "outlet_b", "filter_outlet", "filter_event")
    exclude = ("query_embedding",)
    readonly_fields = ("target_key",)


@admin.register(WatchChange)
class WatchChangeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "watch", "kind", "known_at_start", "detected_at", "mailed_at")
    list_filter = ("kind", "known_at_start")
    raw_id_fields = ("watch", "relation", "event")


@admin.register(WatchSettings)
class WatchSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "digest_frequency", "last_digest_at")
    list_filter = ("digest_frequency",)
    raw_id_fields = ("user",)
    # The token is a secret; an administrator revokes it by renewing, never needs to read it.
    exclude = ("feed_token",)
