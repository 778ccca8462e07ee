from django.urls import path

from . import ordering, orders, views

app_name = "service"
urlpatterns = [
    path("", views.home, name="home"),
    path("customers/<int:customer_id>/", views.customer, name="customer"),
    path("customers/<int:customer_id>/cart/", ordering.add_to_cart, name="cart-add"),
    path("customers/<int:customer_id>/order/", ordering.place_for_customer, name="place"),
    path("orders/<str:reference>/", orders.order, name="order"),
]
