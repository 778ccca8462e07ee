from django.urls import path

from . import kiosk, kiosk_cart

app_name = "kiosk"
urlpatterns = [
    path("", kiosk.home, name="home"),
    path("products/", kiosk.products, name="products"),
    path("products/<slug:slug>/", kiosk.product, name="product"),
    path("check-in/", kiosk.check_in_by_card, name="check-in"),
    path("start-over/", kiosk.start_over, name="start-over"),
    path("cart/", kiosk_cart.show, name="cart"),
    path("cart/add/", kiosk_cart.add, name="cart-add"),
    path("cart/lines/<str:sku>/", kiosk_cart.change, name="cart-line"),
    path("checkout/", kiosk_cart.checkout, name="checkout"),
    path("checkout/options/", kiosk_cart.checkout_options, name="checkout-options"),
    path("placed/", kiosk_cart.placed, name="placed"),
]
