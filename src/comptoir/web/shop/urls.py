from django.urls import path

from . import account, cart, check_in, checkout, orders, returns, search, views

app_name = "shop"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("categories/<slug:category>/", views.catalogue, name="category"),
    path("search/suggestions/", search.suggestions, name="search-suggestions"),
    path("products/<slug:slug>/", views.product, name="product"),
    path("stores/", views.stores, name="stores"),
    path("stores/<slug:code>/", views.store, name="store"),
    path("stores/<slug:code>/choose/", views.choose_store, name="choose-store"),
    path("stores/<slug:code>/check-in/", check_in.check_in_page, name="check-in"),
    path("cart/", cart.show, name="cart"),
    path("cart/add/", cart.add, name="cart-add"),
    path("cart/lines/<str:sku>/", cart.change, name="cart-line"),
    path("cart/handoff/", cart.hand_off, name="cart-handoff"),
    path("checkout/", checkout.checkout, name="checkout"),
    path("checkout/options/", checkout.checkout_options, name="checkout-options"),
    path("account/orders/", orders.orders, name="orders"),
    path("account/orders/<str:reference>/", orders.order, name="order"),
    path("account/orders/<str:reference>/return/", returns.start_return, name="start-return"),
    path("account/", account.account, name="account"),
    path("account/wishlist/", account.wish, name="wish"),
    path("account/consents/", account.consents, name="consents"),
    path("account/export/", account.export, name="export"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("signup/", views.sign_up, name="signup"),
]
