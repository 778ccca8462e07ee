from django.urls import path

from bench import peers
from comptoir.urls import urlpatterns as product_urls

urlpatterns = [
    path("bench/naive-holds", peers.naive_hold),
    path("bench/for-update-holds", peers.for_update_hold),
    path("bench/peer-listing", peers.peer_listing),
    path("bench/search-like", peers.peer_search_like),
    path("bench/ceiling", peers.ceiling_rows),
    *product_urls,
]
