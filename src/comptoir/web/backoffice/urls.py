from django.urls import path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("stores/", views.stores, name="stores"),
    path("stock/", views.stock, name="stock"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/<int:subscription_id>/", views.webhook, name="webhook"),
    path("team/", views.team, name="team"),
]
