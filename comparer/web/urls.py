from django.urls import path

from comparer.web import views

app_name = "web"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
]
