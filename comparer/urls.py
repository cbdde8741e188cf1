from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("comparer.api.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("watches/", include("comparer.watches.urls")),
    path("", include("comparer.web.urls")),
]
