"""Stores and warehouses."""

from django.db import models
from django.db.models import Q


class Location(models.Model):
    class Kind(models.TextChoices):
        STORE = "store"
        WAREHOUSE = "warehouse"

    code = models.SlugField(max_length=40, unique=True, help_text="e.g. lyon-part-dieu")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STORE)
    street = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2, default="FR")
    latitude = models.DecimalField(max_digits=8, decimal_places=5)
    longitude = models.DecimalField(max_digits=8, decimal_places=5)
    timezone = models.CharField(max_length=50, default="Europe/Paris")
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="location_geo_point_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.name
