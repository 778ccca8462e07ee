from django.urls import path

from . import operations, views

app_name = "backoffice"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("stores/", views.stores, name="stores"),
    path("stock/", views.stock, name="stock"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/<int:subscription_id>/", views.webhook, name="webhook"),
    path("team/", views.team, name="team"),
    path("orders/", operations.orders, name="orders"),
    path("exceptions/", operations.alerts, name="alerts"),
    path("exceptions/<int:alert_id>/<str:action>/", operations.act_on_alert, name="alert-action"),
]
