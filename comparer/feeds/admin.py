"""Feed health and the job queue in the admin; actions call services, never the models directly."""
from django.contrib import admin, messages
from django.utils.html import format_html

from comparer import jobs
from comparer.feeds import services
from comparer.feeds.models import Feed, Job
from comparer.feeds.queue import job_retry

_HEALTH_COLOURS = {Feed.Health.OK: "#1a7f37", Feed.Health.FAILING: "#cf222e", Feed.Health.PAUSED: "#6e7781",
                   Feed.Health.NEW: "#9a6700"}


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outlet_name", "health_badge", "consecutive_failures", "last_status",
                    "last_polled_at", "last_success_at", "next_poll_at", "articles_created", "short_error"]
    list_filter = ["active"]
    search_fields = ["url", "title", "outlet_name"]
    readonly_fields = ["etag", "modified", "last_polled_at", "last_success_at", "last_status",
                       "consecutive_failures", "last_error", "entries_seen", "articles_created", "created_at"]
    actions = ["poll_now", "reset_backoff", "pause", "resume"]

    @admin.display(description="health")
    def health_badge(self, feed: Feed):
        label = Feed.Health(feed.health).label
        return format_html('<strong style="color:{}">{}</strong>', _HEALTH_COLOURS[feed.health], label)

    @admin.display(description="last error")
    def short_error(self, feed: Feed) -> str:
        return feed.last_error.splitlines()[0][:120] if feed.last_error else ""

    @admin.action(description="Poll now (in the background)")
    def poll_now(self, request, queryset):
        for feed in queryset:
            jobs.enqueue_feed_poll(feed.id)
        self.message_user(request, f"{queryset.count()} feed poll(s) enqueued.", messages.SUCCESS)

    @admin.action(description="Reset back-off (poll on the next round)")
    def reset_backoff(self, request, queryset):
        self.message_user(request, f"{services.feed_reset_backoff(feeds=queryset)} feed(s) reset.")

    @admin.action(description="Pause polling")
    def pause(self, request, queryset):
        self.message_user(request, f"{services.feed_set_active(feeds=queryset, active=False)} feed(s) paused.")

    @admin.action(description="Resume polling")
    def resume(self, request, queryset):
        self.message_user(request, f"{services.feed_set_active(feeds=queryset, active=True)} feed(s) resumed.")


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "task", "queue", "status", "attempts", "run_after", "claimed_by", "finished_at",
                    "short_error"]
    list_filter = ["status", "queue", "task"]
    readonly_fields = [f.name for f in Job._meta.fields]
    actions = ["retry"]

    @admin.display(description="error")
    def short_error(self, job: Job) -> str:
        return job.error.splitlines()[0][:120] if job.error else ""

    @admin.action(description="Retry failed jobs")
    def retry(self, request, queryset):
        self.message_user(request, f"{job_retry(jobs=queryset)} job(s) queued again.")
