from django.urls import path

from . import views

app_name = "associate"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:code>/", views.store_home, name="store"),
    path("<slug:code>/stock/", views.stock, name="stock"),
    path("<slug:code>/till/", views.till_sale, name="till"),
]
