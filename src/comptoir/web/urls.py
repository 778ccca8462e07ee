from django.urls import path

from . import track, views

urlpatterns = [path("", views.home, name="home")]
urlpatterns += [path("track/<str:token>", track.track_parcel, name="track-parcel")]
