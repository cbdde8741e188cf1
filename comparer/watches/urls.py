from django.urls import path

from comparer.watches import views
from comparer.watches.feeds import WatchChangesFeed

app_name = "watches"
urlpatterns = [
    path("", views.watch_list, name="list"),
    path("add/", views.watch_add, name="add"),
    path("<int:watch_id>/remove/", views.watch_remove, name="remove"),
    path("feed/renew/", views.feed_renew, name="feed_renew"),
    path("digest/", views.digest_update, name="digest"),
    # The secret is the whole authentication: feed readers cannot log in.
    path("feed/<str:token>/", WatchChangesFeed(), name="feed"),
]
