"""The product page and the listing show the product's pictures (responsive, lazy below the
first), its description and its attributes."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from comptoir.catalog.models import Product
from comptoir.catalog.services.images import add_product_image
from comptoir.catalog.tests.factories import make_product
from comptoir.demo.pictures import draw_picture

pytestmark = pytest.mark.django_db


def pictured_jacket() -> None:
    make_product("veste-running", name="Veste de running")
    Product.objects.filter(slug="veste-running").update(
        description="Veste coupe-vent et déperlante.", attributes={"Matière": "polyester recyclé"}
    )
    for colour in ("bleu", "noir"):
        add_product_image(
            product_slug="veste-running",
            content=draw_picture(
                name="Veste de running", category="running", colour=colour, view="front"
            ),
            filename="dessin.png",
            alt_text=f"Veste de running, coloris {colour}",
        )


def test_the_product_page_shows_its_pictures_description_and_attributes(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pictured_jacket()

    html = Client().get("/products/veste-running/").content.decode()

    images = re.findall(r"<img [^>]+>", html)
    assert len(images) == 2
    first, second = images
    assert 'alt="Veste de running, coloris bleu"' in first
    assert 'srcset="/media/products/veste-running/0-160w.webp 160w, ' in first
    assert "sizes=" in first
    assert 'loading="lazy"' not in first  # the main picture is what the shopper came for
    assert 'loading="lazy"' in second
    assert "Veste coupe-vent et déperlante." in html
    assert "<dt>Matière</dt><dd>polyester recyclé</dd>" in html


def test_a_listing_card_shows_the_cover_lazily(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pictured_jacket()

    html = Client().get("/categories/running/").content.decode()

    (cover,) = re.findall(r'<img class="cover"[^>]+>', html)
    assert 'src="/media/products/veste-running/0.png"' in cover
    assert 'loading="lazy"' in cover
    assert "320w" in cover


def test_the_pictures_are_served_under_media_where_django_serves_them(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pictured_jacket()
    html = Client().get("/products/veste-running/").content.decode()
    (small,) = re.findall(r'srcset="([^ ]+) 160w', html)[:1]

    response = Client().get(small)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert Client().get("/media/../settings.py").status_code in (400, 404)  # never outside
