from django.urls import path

from . import capacity, catalogue, operations, stock, stores, views, webhooks

app_name = "backoffice"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", catalogue.new_product, name="catalogue-new"),
    path("catalogue/<slug:slug>/", catalogue.product, name="catalogue-product"),
    path("catalogue/<slug:slug>/variants/", catalogue.new_variant, name="catalogue-new-variant"),
    path("catalogue/<slug:slug>/variants/<str:sku>/", catalogue.variant, name="catalogue-variant"),
    path("catalogue/<slug:slug>/pictures/", catalogue.pictures, name="catalogue-pictures"),
    path("catalogue/<slug:slug>/prices/", catalogue.prices, name="catalogue-prices"),
    path("stores/", views.stores, name="stores"),
    path("stores/<str:code>/", stores.store, name="store"),
    path("stores/<str:code>/hours/", stores.store_hours, name="store-hours"),
    path("stores/<str:code>/closures/", stores.store_closures, name="store-closures"),
    path("stores/<str:code>/services/", stores.store_services, name="store-services"),
    path("stores/<str:code>/capacity/", capacity.store_capacity, name="store-capacity"),
    path("stock/", views.stock, name="stock"),
    path("stock/receipts/", stock.stock_receipt, name="stock-receipt"),
    path("stock/adjustments/", stock.stock_adjustment, name="stock-adjustment"),
    path("stock/counts/", stock.stock_count_upload, name="stock-count-upload"),
    path("stock/counts/<int:job_id>/", stock.stock_count, name="stock-count"),
    path("webhooks/", webhooks.webhooks, name="webhooks"),
    path("webhooks/<int:subscription_id>/", webhooks.webhook, name="webhook"),
    *(
        path(
            f"webhooks/<int:subscription_id>/{action}/",
            webhooks.act_on_webhook,
            {"action": action},
            name=f"webhook-{action}",
        )
        for action in ("enable", "ping", "rotate")
    ),
    *(
        path(
            f"webhooks/<int:subscription_id>/{action}/",
            webhooks.confirm_webhook_action,
            {"action": action},
            name=f"webhook-{action}",
        )
        for action in webhooks.CONFIRMED_ACTIONS
    ),
    path(
        "webhooks/<int:subscription_id>/deliveries/<int:delivery_id>/replay/",
        webhooks.replay_delivery,
        name="webhook-replay",
    ),
    path("team/", views.team, name="team"),
    path("orders/", operations.orders, name="orders"),
    path("exceptions/", operations.alerts, name="alerts"),
    path("exceptions/<int:alert_id>/<str:action>/", operations.act_on_alert, name="alert-action"),
]
