from django.urls import path

from . import (
    aisle,
    carts,
    clienteling,
    customers,
    parcels,
    returns,
    tasks,
    till,
    till_exchange,
    till_orders,
    views,
)
from .till_offline import prices as offline_prices  # the till offline (ADR 0043)
from .till_offline import sync as offline_sync

app_name = "associate"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:code>/", views.store_home, name="store"),
    path("<slug:code>/stock/", views.stock, name="stock"),
    path("<slug:code>/till/", till.till, name="till"),
    path("<slug:code>/till/lines/", till.add_to_basket, name="till-add"),
    path("<slug:code>/till/lines/<str:sku>/", till.change_line, name="till-line"),
    path("<slug:code>/till/customer/", till.attach_customer, name="till-customer"),
    path("<slug:code>/till/customer/cart/", till.pull_online_cart, name="till-pull-cart"),
    path("<slug:code>/till/pay/", till.pay, name="till-pay"),
    path("<slug:code>/till/day/", till.day_report, name="till-day"),
    path("<slug:code>/till/offline/prices/", offline_prices, name="till-offline-prices"),
    path("<slug:code>/till/offline/sales/", offline_sync, name="till-offline-sync"),
    path("<slug:code>/till/receipts/<str:reference>/", till.receipt, name="till-receipt"),
    path("<slug:code>/till/exchange/", till_exchange.find, name="till-exchange"),
    path(
        "<slug:code>/till/exchange/<str:reference>/<int:line_number>/",
        till_exchange.line,
        name="till-exchange-line",
    ),
    path(
        "<slug:code>/till/exchange/<str:reference>/<int:line_number>/go/",
        till_exchange.exchange,
        name="till-exchange-go",
    ),
    path("<slug:code>/till/orders/", till_orders.to_pay, name="till-orders"),
    path("<slug:code>/till/orders/<str:reference>/", till_orders.order, name="till-order"),
    path("<slug:code>/till/orders/<str:reference>/pay/", till_orders.pay, name="till-order-pay"),
    path("<slug:code>/customers/", customers.find, name="customers"),
    path("<slug:code>/customers/<int:customer_id>/", customers.profile, name="customer"),
    path("<slug:code>/in-store/", clienteling.in_store, name="in-store"),
    path("<slug:code>/in-store/events/", clienteling.in_store_events, name="in-store-events"),
    path("<slug:code>/in-store/check-in/", clienteling.check_in_card, name="check-in-card"),
    path(
        "<slug:code>/orders/<int:order_id>/pickup-check/",
        clienteling.pickup_check,
        name="pickup-check",
    ),
    path("<slug:code>/tasks/", tasks.task_list, name="tasks"),
    path("<slug:code>/returns/", returns.take_return, name="returns"),
    path("<slug:code>/parcels/", parcels.parcels, name="parcels"),
    path(
        "<slug:code>/tasks/<int:task_id>/<str:action>/",
        tasks.act,
        name="task-action",
    ),
    path("<slug:code>/carts/", carts.open_cart, name="open-cart"),
    path("<slug:code>/aisle/", aisle.find, name="aisle"),
    path("<slug:code>/aisle/orders/<str:reference>/", aisle.order, name="aisle-order"),
    path("<slug:code>/aisle/<str:sku>/", aisle.product, name="aisle-product"),
    path("<slug:code>/carts/<int:cart_id>/", carts.cart, name="cart"),
]
