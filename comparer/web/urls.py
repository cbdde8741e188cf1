from django.urls import path

from comparer.web import views

app_name = "web"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("events/<int:event_id>/comparison.csv", views.event_comparison_csv, name="event_comparison_csv"),
    path("events/<int:event_id>/comparison.json", views.event_comparison_json, name="event_comparison_json"),
    path("claims/<int:claim_id>/", views.claim_detail, name="claim_detail"),
    path("articles/<int:article_id>/", views.article_detail, name="article_detail"),
    path("outlets/", views.outlet_list, name="outlet_list"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet_detail"),
    path("search/", views.claim_search, name="search"),
    path("compare/", views.outlet_compare, name="outlet_compare"),
]
