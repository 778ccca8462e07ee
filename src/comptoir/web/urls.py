from django.urls import include, path

from . import pay, track

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("associate/", include("comptoir.web.associate.urls")),
    path("backoffice/", include("comptoir.web.backoffice.urls")),
    path("inbox/", include("comptoir.web.inbox.urls")),
    path("service/", include("comptoir.web.service.urls")),
    path("pay/<str:token>", pay.pay_by_link, name="pay-by-link"),
    path("kiosk/<slug:code>/", include("comptoir.web.shop.kiosk_urls")),
    path("track/<str:token>", track.track_parcel, name="track-parcel"),
    path("", include("comptoir.web.shop.urls")),
]
