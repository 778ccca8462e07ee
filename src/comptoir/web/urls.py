from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("associate/", include("comptoir.web.associate.urls")),
    path("backoffice/", include("comptoir.web.backoffice.urls")),
    path("", include("comptoir.web.shop.urls")),
]
