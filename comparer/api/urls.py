from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from comparer.api import schema, views
from comparer.watches.api import WatchViewSet

app_name = "api"

# A trailing slash is optional, so "articles" and "comparison.csv" work as written, and a POST
# without the slash is never redirected (a redirect would drop its body).
router = SimpleRouter()
router.trailing_slash = "/?"
router.register("outlets", views.OutletViewSet, basename="outlet")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("events", views.EventViewSet, basename="event")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("relations", views.RelationViewSet, basename="relation")
router.register("watches", WatchViewSet, basename="watch")  # comparer/watches/api.py

urlpatterns = [
    re_path(r"^search/?$", views.SearchView.as_view(), name="search"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", schema.docs_page, name="docs"),
    *router.urls,
]
