from django.contrib import admin
from django.urls import include, path

from comptoir.api import api
from comptoir.web import views as web_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("healthz", web_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("comptoir.web.urls")),
]
